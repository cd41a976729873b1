/**
 * Train: a registered dataset version → `<KEY>-TRAINED-<n>` with model.onnx, golden test
 * files and a card (spec hash, dataset version + hash, params, metrics, tool version,
 * inputs hash). Gates are checked before anything is published: a missed gate fails the
 * step with the real figure and leaves the registry unchanged. Skipped when the newest
 * trained version was made from the same inputs (dataset hash + train + model config).
 */
import { inputsHash } from "../support/canonical-json.js";
import { LifecycleError, reason } from "../lifecycle/errors.js";
import type { Log } from "../lifecycle/progress.js";
import type { DatasetCard, DatasetRef, ModelCard, ModelRef, ModelStage, Registry } from "../registry/types.js";
import { DatasetError, splitDataset } from "./dataset-rows.js";
import { checkRelativeGates, describeRelativeGate, missedGates, type RelativeGateResult } from "./gates.js";
import { OnnxLoadError } from "./onnx-run.js";
import { datasetSummary, evaluationRecord } from "./records.js";
import { ParityError, trainModel } from "./train-model.js";
import type { ModelConfig, TrainConfig } from "./types.js";

export type { GateConfig, Metric, ModelConfig, TrainConfig, TrainParams } from "./types.js";
export { trainModel } from "./train-model.js";

export interface TrainContext {
  readonly project: string;
  readonly key: string;
  readonly specHash: string;
  readonly toolVersion: string;
  readonly registry: Registry;
  readonly log: Log;
}

export interface TrainResult {
  readonly ref: ModelRef;
  readonly card: ModelCard;
  readonly skipped: boolean;
  /** The relative gates, evaluated against the aliases as they are now (also when skipped). */
  readonly relative?: readonly RelativeGateResult[];
}

/** Evaluates and prints the relative gates of a (new or reused) trained version. */
async function relativeGates(cfg: TrainConfig, card: ModelCard, ctx: TrainContext): Promise<RelativeGateResult[]> {
  const results = await checkRelativeGates(cfg.gates, card.metrics, ctx.registry, ctx.project);
  for (const r of results) ctx.log(`  ${describeRelativeGate(r)}`);
  return results;
}

export function trainInputsHash(cfg: TrainConfig, model: ModelConfig, datasetSha256: string): string {
  return inputsHash({ step: "train", dataset: datasetSha256, config: cfg, model });
}

/** The newest version of a stage, with its card; undefined when there is none. */
export async function latestModel(registry: Registry, project: string, key: string, stage: ModelStage): Promise<{ ref: ModelRef; card: ModelCard } | undefined> {
  const version = (await registry.listModelVersions(project, key, stage)).at(-1);
  if (version === undefined) return undefined;
  const ref: ModelRef = { project, key, stage, version };
  return { ref, card: await registry.readModelCard(ref) };
}

export async function train(
  cfg: TrainConfig,
  model: ModelConfig,
  ctx: TrainContext,
  dataset: { readonly ref: DatasetRef; readonly card: DatasetCard },
  opts: { force?: boolean } = {},
): Promise<TrainResult> {
  const hash = trainInputsHash(cfg, model, dataset.card.sha256);
  const latest = await latestModel(ctx.registry, ctx.project, ctx.key, "TRAINED");
  if (!opts.force && latest?.card.inputsHash === hash) return { ...latest, skipped: true, relative: await relativeGates(cfg, latest.card, ctx) };

  let trained;
  try {
    const bytes = await ctx.registry.readDatasetFile(dataset.ref, "data.jsonl");
    const data = splitDataset(bytes, dataset.card.sha256, model.labels, model.target);
    ctx.log(`  ${data.train.rows.length} train / ${data.test.rows.length} held-out rows, ${cfg.trainer}`);
    trained = await trainModel(data, cfg, model, ctx.toolVersion, ctx.log);
  } catch (err) {
    const where = `dataset ${dataset.card.id}`;
    if (err instanceof DatasetError) throw new LifecycleError("train", `${where}: ${err.message}`);
    if (err instanceof ParityError || err instanceof OnnxLoadError) throw new LifecycleError("train", err.message);
    if (err instanceof LifecycleError || (err as Error)?.name === "RegistryError") throw err;
    throw new LifecycleError("train", `training on ${where} failed: ${reason(err)}`, { cause: err });
  }
  const m = trained.metrics;
  ctx.log(
    `  held-out: accuracy ${m.accuracy.toFixed(4)}, macro-F1 ${m.macro_f1.toFixed(4)}, log-loss ${m.log_loss.toFixed(4)} (${m.rows} rows); ONNX parity max |Δ| ${trained.parityMaxAbsDiff.toExponential(2)}`,
  );
  const missed = missedGates(cfg.gates, m);
  if (missed.length > 0) throw new LifecycleError("train", `${missed.join("; ")}; nothing was registered`, { gate: true });

  const card: Omit<ModelCard, "id" | "files" | "createdAt"> = {
    type: "trained",
    project: ctx.project,
    specHash: ctx.specHash,
    dataset: { name: dataset.card.dataset, version: dataset.ref.version, sha256: dataset.card.sha256 },
    params: { trainer: cfg.trainer, ...cfg.params, gates: cfg.gates, goldenSamples: cfg.goldenSamples, labels: model.labels, target: model.target, features: model.features },
    metrics: {
      accuracy: m.accuracy,
      macro_f1: m.macro_f1,
      log_loss: m.log_loss,
      confusion: m.confusion,
      testRows: m.rows,
      trainRows: trained.fit.trainRows,
      validationRows: trained.fit.validationRows,
      epochsRun: trained.fit.epochsRun,
      bestEpoch: trained.fit.bestEpoch,
      onnxParityMaxAbsDiff: trained.parityMaxAbsDiff,
    },
    toolVersion: ctx.toolVersion,
    inputsHash: hash,
    training: {
      curves: { epochs: trained.fit.curve, bestEpoch: trained.fit.bestEpoch },
      evaluation: evaluationRecord(m.confusion, m.rows),
      dataset: datasetSummary(dataset.card),
    },
  };
  // Relative gates are compared before publishing (the alias cannot point at this version
  // yet) but never block it: a worse model is registered, just not promoted.
  const relative = await relativeGates(cfg, card as ModelCard, ctx);
  const ref = await ctx.registry.publishModel(ctx.project, ctx.key, "TRAINED", { "model.onnx": trained.onnx, ...trained.golden }, card);
  return { ref, card: await ctx.registry.readModelCard(ref), skipped: false, relative };
}
