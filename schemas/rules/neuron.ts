/**
 * Neuron targets are compiled for a batch size; the server's batches must fit it. With a
 * fixed batch (`dynamic_batch: false`) no served batch may exceed `batch_size`; with dynamic
 * batching the runtime splits batches into chunks of `batch_size`, so `max_batch` must be a
 * multiple of it. Each environment is checked with the batching it serves with — its own
 * `enabled`/`max_batch` over the project's, as lower resolves them and the k8s Neuron overlay
 * sets MESH_BATCH_ENABLED/MESH_BATCH_MAX — so an environment that turns batching on is checked
 * even when the project's batching is off, and one that turns it off is not.
 */
import type { ProjectKindSpec } from "../project.js";
import type { RuleDefaults, RuleViolation } from "./types.js";

const MAX_BATCH_LIMIT = 4096;

interface BatchSource {
  readonly maxBatch: number;
  /** Where to point: the max_batch that sets the value, else the field that turned batching on; undefined: the target's batch_size. */
  readonly path: (string | number)[] | undefined;
  /** How the message names the value. */
  readonly shown: string;
}

/** The served max_batch of the project and of every environment that serves a batching setting of its own; none where batching is off. */
function batchSources(spec: ProjectKindSpec, defaults: RuleDefaults): BatchSource[] {
  const base = spec.steps.serve?.batching;
  const baseEnabled = base?.enabled ?? defaults.batchingEnabled;
  const baseMax = base?.max_batch ?? defaults.maxBatch;
  const basePath = base?.max_batch !== undefined ? ["steps", "serve", "batching", "max_batch"] : undefined;
  const baseShown = basePath ? "serve.batching.max_batch" : `serve.batching.max_batch (default ${baseMax})`;
  const out: BatchSource[] = baseEnabled ? [{ maxBatch: baseMax, path: basePath, shown: baseShown }] : [];
  for (const [env, overlay] of Object.entries(spec.environments ?? {})) {
    const b = overlay?.serve?.batching;
    const enabled = b?.enabled ?? baseEnabled;
    if (!enabled) continue;
    const at = ["environments", env, "serve", "batching"];
    if (b?.max_batch !== undefined) out.push({ maxBatch: b.max_batch, path: [...at, "max_batch"], shown: `environments.${env}.serve.batching.max_batch` });
    // Batching off in the project, on here: the project's max_batch is served for the first time.
    else if (!baseEnabled) out.push({ maxBatch: baseMax, path: basePath ?? [...at, "enabled"], shown: `${baseShown}, which environments.${env} turns batching on with,` });
  }
  return out;
}

export function checkNeuronBatching(spec: ProjectKindSpec, defaults: RuleDefaults): RuleViolation[] {
  const targets = spec.steps.compile?.targets ?? [];
  const sources = batchSources(spec, defaults);
  const out: RuleViolation[] = [];
  targets.forEach((t, i) => {
    if (t.kind !== "neuron") return;
    const bs = t.batch_size;
    const dynamic = t.dynamic_batch ?? defaults.dynamicBatch;
    const targetPath = ["steps", "compile", "targets", i, "batch_size"];
    for (const src of sources) {
      const mb = src.maxBatch;
      if (!dynamic && mb > bs) {
        out.push({
          rule: "neuron-batch",
          path: src.path ?? targetPath,
          params: { message: `${src.shown} is ${mb}, more than batch_size ${bs} of neuron target ${i + 1} (${t.instance}), compiled for a fixed batch` },
          hint: `use a max_batch from 1 to ${bs}, or set dynamic_batch: true on the target`,
        });
      } else if (dynamic && mb % bs !== 0) {
        out.push({
          rule: "neuron-batch",
          path: src.path ?? targetPath,
          params: { message: `${src.shown} is ${mb}, not a multiple of batch_size ${bs} of neuron target ${i + 1} (${t.instance}); dynamic batching runs chunks of ${bs}` },
          hint: `use ${fittingMultiples(mb, bs).join(" or ")}`,
        });
      }
    }
  });
  return out;
}

/** The multiples of `bs` nearest to `mb` (below and above), within the max_batch range. */
export function fittingMultiples(mb: number, bs: number): number[] {
  const below = Math.floor(mb / bs) * bs;
  const above = below + bs;
  return [below, above].filter((m) => m >= 1 && m <= MAX_BATCH_LIMIT);
}
