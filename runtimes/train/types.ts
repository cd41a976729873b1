/**
 * Train configuration, structurally the IR's `TrainIR`, plus the model description the
 * trainer needs (labels, target column, featurizer: the IR's `model`).
 */
import type { FeatureSpec } from "../features/index.js";
import type { ModelFile } from "../models/types.js";
import type { TransformerServing } from "../transformers/config.js";

export type Metric = "accuracy" | "macro_f1" | "log_loss";

/** An absolute gate (no alias), or one relative to an alias's version (`value` is the offset). */
export interface GateConfig {
  readonly metric: Metric;
  readonly op: ">=" | "<=" | ">" | "<";
  readonly value: number;
  readonly alias?: string;
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
  readonly trainer: "logistic-regression" | "mlp" | "pretrained";
  /** pretrained: the documents whose predictions become the golden test files. */
  readonly samples?: readonly string[];
  readonly params: TrainParams;
  readonly gates: readonly GateConfig[];
  /** Held-out rows stored with the model as golden inputs and predictions. */
  readonly goldenSamples: number;
  /** Alias a run points at its new servable version when every gate passed. */
  readonly promote?: string;
}

export interface ModelConfig {
  readonly labels: readonly string[];
  readonly target: string;
  /** mesh's own trainers: how rows are featurized. */
  readonly features?: FeatureSpec;
  /** trainer pretrained: the transformer folder and how its task is served. */
  readonly transformer?: PretrainedModel;
}

/** A pretrained model folder as the spec and its lock name it. */
export interface PretrainedModel extends TransformerServing {
  readonly source: {
    readonly uri: string;
    /** The commit an hf:// branch resolved to when the lock was written. */
    readonly revision?: string;
    /** Every file of the folder, pinned. */
    readonly files: readonly ModelFile[];
  };
}
