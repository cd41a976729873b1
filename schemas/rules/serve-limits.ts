/**
 * A request's rows must fit the batching queue: the server refuses to start when batching is
 * on and `limits.max_rows` exceeds `batching.queue` (one request could never be queued, see
 * runtimes/serve/config.ts), and so does the Neuron server. Checked for the project and for
 * every environment with the values it serves — its own settings over the project's.
 */
import type { ProjectSpec } from "../project.js";
import type { RuleDefaults, RuleViolation } from "./types.js";

interface Scope {
  readonly label: string;
  readonly at: readonly (string | number)[];
  readonly batching?: { readonly enabled?: boolean | undefined; readonly queue?: number | undefined } | undefined;
  readonly limits?: { readonly max_rows?: number | undefined } | undefined;
}

export function checkRowsFitQueue(spec: ProjectSpec, defaults: RuleDefaults): RuleViolation[] {
  const serve = spec.steps.serve;
  const base: Scope = { label: "", at: ["steps", "serve"], batching: serve?.batching, limits: serve?.limits };
  const scopes: Scope[] = [base];
  for (const [env, overlay] of Object.entries(spec.environments ?? {})) {
    const s = overlay?.serve;
    // An environment that sets none of the three serves the project's values: checked once, above.
    if (s?.batching?.enabled === undefined && s?.batching?.queue === undefined && s?.limits?.max_rows === undefined) continue;
    scopes.push({ label: ` in environments.${env}`, at: ["environments", env, "serve"], batching: s?.batching, limits: s?.limits });
  }
  const out: RuleViolation[] = [];
  for (const scope of scopes) {
    const enabled = scope.batching?.enabled ?? base.batching?.enabled ?? defaults.batchingEnabled;
    const queue = scope.batching?.queue ?? base.batching?.queue ?? defaults.queueRows;
    const maxRows = scope.limits?.max_rows ?? base.limits?.max_rows ?? defaults.maxRows;
    if (!enabled || maxRows <= queue) continue;
    // Point at what this scope sets: its max_rows, else its queue, else the switch that turned batching on.
    const path =
      scope.limits?.max_rows !== undefined
        ? [...scope.at, "limits", "max_rows"]
        : scope.batching?.queue !== undefined
          ? [...scope.at, "batching", "queue"]
          : scope.batching?.enabled !== undefined
            ? [...scope.at, "batching", "enabled"]
            : [...base.at, "limits", "max_rows"];
    out.push({
      rule: "rows-over-queue",
      path,
      params: { message: `limits.max_rows is ${maxRows}, more than batching.queue ${queue}${scope.label}: one request could never be queued, so the server would refuse to start` },
      hint: `raise batching.queue to at least ${maxRows}, or lower limits.max_rows to ${queue} or less`,
    });
  }
  return out;
}
