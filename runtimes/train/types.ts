/**
 * Train configuration, structurally the IR's `TrainIR`, plus the model description the
 * trainer needs (labels, target column, featurizer: the IR's `model`).
 */
import type { FeatureSpec } from "../features/index.js";

export type Metric = "accuracy" | "macro_f1" | "log_loss";

export interface GateConfig {
  readonly metric: Metric;
  readonly op: ">=" | "<=" | ">" | "<";
  readonly value: number;
}

export interface TrainParams {
  readonly epochs: number;
  readonly learningRate: number;
  readonly l2: number;
  readonly batchSize: number;
  readonly optimizer: "sgd" | "adam";
  /** Hidden layer widths; [] for logistic regression. */
  readonly hidden: readonly number[];
  /** Epochs without validation-loss improvement before stopping; 0 = no early stopping. */
  readonly patience: number;
  readonly seed: number;
}

export interface TrainConfig {
  readonly trainer: "logistic-regression" | "mlp";
  readonly params: TrainParams;
  readonly gates: readonly GateConfig[];
  /** Held-out rows stored with the model as golden inputs and predictions. */
  readonly goldenSamples: number;
}

export interface ModelConfig {
  readonly labels: readonly string[];
  readonly target: string;
  readonly features: FeatureSpec;
}
