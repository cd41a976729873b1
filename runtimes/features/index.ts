/**
 * Featurizers: how one input row becomes one row of the model's input tensor. The trainer
 * and the server call exactly this code. Tabular standardisation (mean/std) is baked into
 * the exported ONNX graph by the trainer, so serving only packs the columns in order.
 */
import { encodeHashedNgrams, type HashedNgramsOptions } from "./hashed-ngrams.js";

/**
 * The featurizer settings, structurally the IR's `FeaturesIR` (runtimes never import the
 * compiler: they run inside images that do not ship it).
 */
export type FeatureSpec = ({ readonly kind: "hashed-ngrams"; readonly input: string } & HashedNgramsOptions) | { readonly kind: "standardize"; readonly columns: readonly string[] };

export interface Featurizer {
  /** Width of one row of the model input. */
  readonly width: number;
  /** Writes `row`'s features into `out[offset … offset+width)`, which must be zeroed. Inputs are pre-validated. */
  encode(row: Readonly<Record<string, unknown>>, out: Float32Array, offset: number): void;
}

export function createFeaturizer(features: FeatureSpec): Featurizer {
  if (features.kind === "hashed-ngrams") {
    const { input } = features;
    return {
      width: features.dims,
      encode: (row, out, offset) => encodeHashedNgrams(String(row[input] ?? ""), features, out, offset),
    };
  }
  const columns = features.columns;
  return {
    width: columns.length,
    encode(row, out, offset) {
      for (let j = 0; j < columns.length; j++) out[offset + j] = Number(row[columns[j]!]);
    },
  };
}

export { encodeHashedNgrams, fnv1aUtf8, fnv1aUtf8From, tokenize } from "./hashed-ngrams.js";
