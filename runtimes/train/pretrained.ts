/**
 * `trainer: pretrained` — the seed's "train" step for Hugging Face models: nothing is
 * trained; the model folder named by the spec is resolved (verified file by file against
 * model.lock.json), run on the sample documents, and registered as `<KEY>-TRAINED-<n>` with
 * those documents and the model's outputs as golden test files. Compile validates every
 * optimised or quantised graph against these goldens. Skipped when the locked files, the
 * samples and the serving settings are unchanged.
 */
import { inputsHash } from "../support/canonical-json.js";
import { LifecycleError, reason } from "../lifecycle/errors.js";
import type { ArtifactFiles, ModelCard } from "../registry/types.js";
import { lockOfPinned, resolveModelSource, type ResolveOptions } from "../models/index.js";
import { openTransformer } from "../transformers/open.js";
import { rawOutputs } from "../transformers/pipeline.js";
import { goldenFiles } from "./golden.js";
import { latestModel, type TrainContext, type TrainResult } from "./index.js";
import type { ModelConfig, PretrainedModel, TrainConfig } from "./types.js";

/** Where the source's files are looked up: the workspace, its project folder, the download cache. */
export type SourceLocation = Pick<ResolveOptions, "root" | "baseDir" | "cacheDir" | "s3">;

export function pretrainedInputsHash(cfg: TrainConfig, model: PretrainedModel): string {
  const { source, ...serving } = model;
  return inputsHash({ step: "train", trainer: "pretrained", files: source.files, samples: cfg.samples ?? [], serving });
}

/** One session, no batching: goldens are the model's plain answers, one sequence at a time. */
export const VALIDATION_SESSION = { intraOpThreads: 1, interOpThreads: 1, graphOptimization: "disabled" as const, batching: false, maxBatch: 1, maxDelayMs: 0, queueRows: 1_000_000 };

export async function registerPretrained(cfg: TrainConfig, model: ModelConfig, ctx: TrainContext, where: SourceLocation, opts: { force?: boolean } = {}): Promise<TrainResult> {
  const t = model.transformer;
  if (!t) throw new LifecycleError("train", "trainer pretrained needs model.source (a Hugging Face model folder)");
  const samples = cfg.samples ?? [];
  if (samples.length === 0) throw new LifecycleError("train", "trainer pretrained needs sample documents for its golden files: add train.samples or serve.examples");
  const hash = pretrainedInputsHash(cfg, t);
  const latest = await latestModel(ctx.registry, ctx.project, ctx.key, "TRAINED");
  if (!opts.force && latest?.card.inputsHash === hash) return { ...latest, skipped: true };

  let resolved;
  try {
    resolved = await resolveModelSource(t.source.uri, { ...where, lock: lockOfPinned(t.source), log: ctx.log });
  } catch (err) {
    throw new LifecycleError("train", `${t.source.uri}: ${reason(err)}`);
  }
  ctx.log(`  ${resolved.files.length} files of ${t.source.uri} verified against model.lock.json; golden predictions on ${samples.length} documents`);
  let predictions: number[][];
  const opened = await openTransformer(resolved.path, t, VALIDATION_SESSION).catch((err: unknown) => {
    throw new LifecycleError("train", reason(err));
  });
  try {
    predictions = await rawOutputs(opened.pipeline, samples);
  } finally {
    await opened.release();
  }
  const { source, ...serving } = t;
  const card: Omit<ModelCard, "id" | "files" | "createdAt"> = {
    type: "trained",
    project: ctx.project,
    specHash: ctx.specHash,
    params: { trainer: "pretrained", source: source.uri, ...(source.revision ? { revision: source.revision } : {}), labels: model.labels, transformer: serving },
    metrics: { goldenSamples: samples.length },
    toolVersion: ctx.toolVersion,
    inputsHash: hash,
    // Nothing is trained: no curves or held-out split to report, only the golden samples.
    training: { samples: samples.length },
  };
  const files: Record<string, ArtifactFiles[string]> = {};
  for (const f of resolved.files) files[f.path] = { localPath: `${resolved.path}/${f.path}` };
  Object.assign(
    files,
    goldenFiles(
      samples.map((text) => ({ [t.input]: text })),
      predictions,
    ),
  );
  const ref = await ctx.registry.publishModel(ctx.project, ctx.key, "TRAINED", files, card);
  return { ref, card: await ctx.registry.readModelCard(ref), skipped: false };
}
