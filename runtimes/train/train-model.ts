/**
 * The pure-ish core of train: labelled rows → fitted network, ONNX bytes, held-out metrics
 * and golden files, with the exported graph checked against the TypeScript model in
 * onnxruntime (max |Δ| must stay ≤ 1e-5). No registry here, so tests and benches call it
 * directly.
 */
import type { Log } from "../lifecycle/progress.js";
import type { LabelledRows } from "./dataset-rows.js";
import { featurize, fitStandardization, standardize, toSparse, type Standardization } from "./feature-matrix.js";
import { fit, type FitResult } from "./fit.js";
import { attributesOf, goldenFiles } from "./golden.js";
import { computeMetrics, type Metrics } from "./metrics.js";
import { predict } from "./network.js";
import { exportOnnx } from "./onnx-export.js";
import { maxAbsDiff, openSession, runRows } from "./onnx-run.js";
import type { ModelConfig, TrainConfig } from "./types.js";

export const PARITY_LIMIT = 1e-5;

export class ParityError extends Error {}

export interface TrainedModel {
  readonly onnx: Uint8Array;
  readonly metrics: Metrics;
  readonly fit: FitResult;
  /** max |ONNX − TypeScript| over the held-out rows. */
  readonly parityMaxAbsDiff: number;
  readonly golden: Record<string, Uint8Array>;
  readonly standardization?: Standardization;
}

export async function trainModel(data: LabelledRows, cfg: TrainConfig, model: ModelConfig, toolVersion: string, log: Log): Promise<TrainedModel> {
  const features = model.features;
  if (!features) throw new Error(`trainer ${cfg.trainer} needs model features (how rows become numbers)`);
  const rawTrain = featurize(data.train.rows, features);
  const rawTest = featurize(data.test.rows, features);
  const width = rawTrain[0]?.length ?? 0;
  const std = features.kind === "standardize" ? fitStandardization(rawTrain, width) : undefined;
  const prep = (r: Float32Array) => toSparse(std ? standardize(r, std) : r);
  const xs = rawTrain.map(prep);
  const widths = [width, ...(cfg.trainer === "mlp" ? cfg.params.hidden : []), model.labels.length];
  const fitted = fit(xs, data.train.y, widths, cfg.params, log);

  const onnx = exportOnnx(fitted.net, {
    ...(std ? { standardization: std } : {}),
    producerVersion: toolVersion,
    metadata: { labels: JSON.stringify(model.labels), features: JSON.stringify(features), trainer: cfg.trainer },
  });
  const session = await openSession(onnx);
  const ortProbs = await runRows(session, rawTest, width);
  await session.release();
  const tsProbs = rawTest.map((r) => predict(fitted.net, prep(r)));
  const parity = maxAbsDiff(ortProbs, tsProbs);
  if (!(parity <= PARITY_LIMIT)) {
    throw new ParityError(`the exported ONNX model disagrees with the trained model: max |Δ| ${parity} > ${PARITY_LIMIT}`);
  }
  // Metrics from what ships: the ONNX model's own outputs.
  const metrics = computeMetrics(model.labels, data.test.y, ortProbs);
  const n = Math.min(cfg.goldenSamples, data.test.rows.length);
  const golden = goldenFiles(
    data.test.rows.slice(0, n).map((r) => attributesOf(r, features)),
    ortProbs.slice(0, n),
  );
  return { onnx, metrics, fit: fitted, parityMaxAbsDiff: parity, golden, ...(std ? { standardization: std } : {}) };
}
