/**
 * Dataset rows → model inputs, through the SAME featurizer the server uses
 * (runtimes/features). Rows are kept sparse (index/value pairs): hashed n-gram rows are
 * mostly zeros, and the first layer only needs the non-zeros. For tabular features the
 * trainer standardises with mean/std of the training split; the exported graph repeats
 * that as Sub/Div so serving packs raw columns.
 */
import { createFeaturizer, type FeatureSpec } from "../features/index.js";

export interface SparseRow {
  readonly idx: Int32Array;
  readonly val: Float32Array;
}

export interface Standardization {
  readonly mean: Float32Array;
  readonly std: Float32Array;
}

/** Raw (server-identical) feature rows, dense. */
export function featurize(rows: readonly Readonly<Record<string, unknown>>[], features: FeatureSpec): Float32Array[] {
  const f = createFeaturizer(features);
  return rows.map((row) => {
    const out = new Float32Array(f.width);
    f.encode(row, out, 0);
    return out;
  });
}

/** Mean and standard deviation per column (float32, as baked into the graph); std 0 → 1. */
export function fitStandardization(dense: readonly Float32Array[], width: number): Standardization {
  const mean = new Float64Array(width);
  const sq = new Float64Array(width);
  for (const r of dense) for (let j = 0; j < width; j++) mean[j]! += r[j]!;
  for (let j = 0; j < width; j++) mean[j]! /= Math.max(dense.length, 1);
  for (const r of dense) for (let j = 0; j < width; j++) sq[j]! += (r[j]! - mean[j]!) ** 2;
  const std = new Float32Array(width);
  for (let j = 0; j < width; j++) {
    const s = Math.sqrt(sq[j]! / Math.max(dense.length, 1));
    std[j] = s > 1e-12 ? s : 1;
  }
  return { mean: Float32Array.from(mean), std };
}

/** Applies standardisation exactly as the ONNX graph does: float32 (x − mean) / std. */
export function standardize(row: Float32Array, s: Standardization): Float32Array {
  const out = new Float32Array(row.length);
  for (let j = 0; j < row.length; j++) out[j] = Math.fround(Math.fround(row[j]! - s.mean[j]!) / s.std[j]!);
  return out;
}

export function toSparse(row: Float32Array): SparseRow {
  let n = 0;
  for (let j = 0; j < row.length; j++) if (row[j] !== 0) n++;
  const idx = new Int32Array(n);
  const val = new Float32Array(n);
  let k = 0;
  for (let j = 0; j < row.length; j++) {
    if (row[j] !== 0) {
      idx[k] = j;
      val[k++] = row[j]!;
    }
  }
  return { idx, val };
}
