/**
 * What the Neuron scripts are generated from: plain data, built from the IR by
 * generators/neuron and from a trained version's card by the compile driver, so the
 * scripts written to out/<name>/compile/neuron/ and the ones `mesh run --target cpu`
 * executes are the same text.
 */
import type { FeatureSpec } from "../features/index.js";

export interface NeuronScriptConfig {
  /** Registry key, for messages (SPAM). */
  readonly key: string;
  readonly labels: readonly string[];
  readonly features: FeatureSpec;
  /** Layer widths: [input width, ...hidden, classes]; two entries = logistic regression. */
  readonly layers: readonly number[];
  /** Tabular models start with (x − mean) / std, as the exported ONNX graph does. */
  readonly standardize: boolean;
  readonly instance: "inf1" | "inf2" | "trn1";
  readonly batchSize: number;
  readonly dynamicBatch: boolean;
  readonly compilerArgs: readonly string[];
}

/** Width of one model input row for a featurizer. */
export function featureWidth(features: FeatureSpec): number {
  return features.kind === "hashed-ngrams" ? features.dims : features.columns.length;
}

/** The architecture as the trainer built it: hidden layers only for the MLP. */
export function layerWidths(features: FeatureSpec, trainer: string, hidden: readonly number[], classes: number): number[] {
  return [featureWidth(features), ...(trainer === "mlp" ? hidden : []), classes];
}
