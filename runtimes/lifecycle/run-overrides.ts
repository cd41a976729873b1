/**
 * What one run may change without editing the spec: the data it ingests (`--source`, the
 * data version of a run) and the train params (`--params`, JSON in the spec's own snake_case
 * keys). Both are checked with the same schemas project.yaml is (owned by the runtimes, read
 * by `schemas/`), so a run accepts exactly what the spec would. `mesh run` on the host and
 * the step images' step-main.js (where the generated Argo WorkflowTemplate passes its
 * parameters) both apply them here.
 */
import { sourceUri } from "../ingest/source-uri.js";
import { overrideTrainParams, trainParamsSpecSchema } from "../train/params-spec.js";
import type { LifecycleConfig } from "./config.js";

export interface RunOverrides {
  readonly source?: string;
  readonly params?: string;
}

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
    const r = trainParamsSpecSchema.safeParse(json);
    if (!r.success) {
      const issue = r.error.issues[0];
      return `--params: ${issue?.path.length ? `${issue.path.join(".")}: ` : ""}${issue?.message ?? "invalid"}`;
    }
    next = { ...next, train: { ...cfg.train, params: overrideTrainParams(cfg.train.params, r.data, cfg.train.trainer) } };
  }
  return next;
}
