/**
 * What one `mesh run` may change without editing the spec: the data it ingests (`--source`,
 * the data version of a run) and the train params (`--params`, JSON in the spec's own
 * snake_case keys). Both are checked with the spec's own schemas, so a run accepts exactly
 * what project.yaml would. The generated Argo WorkflowTemplate passes its parameters here.
 */
import { sourceUri } from "../../../schemas/identifiers.js";
import { trainSchema } from "../../../schemas/project.js";
import { overrideTrainParams } from "../../lower/lower.js";
import type { LifecycleConfig } from "../../../runtimes/lifecycle/index.js";

export interface RunOverrides {
  readonly source?: string;
  readonly params?: string;
}

const paramsSchema = trainSchema.shape.params.unwrap();

/** The config with the overrides applied, or a one-sentence reason they are refused. */
export function applyRunOverrides(cfg: LifecycleConfig, o: RunOverrides): LifecycleConfig | string {
  let next = cfg;
  if (o.source !== undefined) {
    if (!cfg.ingest) return "--source needs an ingest step in the spec";
    const r = sourceUri.safeParse(o.source);
    if (!r.success) return `--source ${JSON.stringify(o.source)}: ${r.error.issues[0]?.message ?? "is not a source URI"}`;
    next = { ...next, ingest: { ...cfg.ingest, uri: r.data } };
  }
  if (o.params !== undefined) {
    if (!cfg.train) return "--params needs a train step in the spec";
    let json: unknown;
    try {
      json = JSON.parse(o.params);
    } catch {
      return `--params must be a JSON object such as '{"epochs": 20}', got ${JSON.stringify(o.params.slice(0, 200))}`;
    }
    const r = paramsSchema.safeParse(json);
    if (!r.success) {
      const issue = r.error.issues[0];
      return `--params: ${issue?.path.length ? `${issue.path.join(".")}: ` : ""}${issue?.message ?? "invalid"}`;
    }
    next = { ...next, train: { ...cfg.train, params: overrideTrainParams(cfg.train.params, r.data, cfg.train.trainer) } };
  }
  return next;
}
