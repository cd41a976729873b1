/**
 * The training record a model card may carry (`ModelCard.training`): what the trainer saw and
 * measured, so a reader (the registry browser, `mesh registry show --format json`) can draw
 * it without re-running anything. Every field is optional on read: cards written before
 * these records existed, or by trainers that have no curves (`pretrained`), simply lack
 * them, and readers must render what is there.
 */

/** One epoch of the training loop. */
export interface EpochRecord {
  /** 1-based. */
  readonly epoch: number;
  /** Mean cross-entropy over the epoch's training rows, as the mini-batches saw them. */
  readonly loss: number;
  /** Share of the epoch's training rows the model got right as it trained on them. */
  readonly accuracy: number;
  /** Cross-entropy and accuracy on the validation slice after the epoch (absent without early stopping). */
  readonly val_loss?: number;
  readonly val_accuracy?: number;
}

export interface ClassMetrics {
  readonly label: string;
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Held-out rows whose true label is this one. */
  readonly support: number;
}

/** Held-out evaluation: the confusion matrix [true][predicted] in label order, and per-class metrics. */
export interface EvaluationRecord {
  readonly split: "test";
  readonly rows: number;
  readonly labels: readonly string[];
  readonly matrix: readonly (readonly number[])[];
  readonly perClass: readonly ClassMetrics[];
}

/** The dataset version a model was trained on, summarised. */
export interface DatasetSummary {
  readonly id: string;
  readonly rows: number;
  /** sha256 of data.jsonl: the dataset's content hash. */
  readonly sha256: string;
  /** Rows per label over the whole dataset (label balance). */
  readonly labels: Readonly<Record<string, number>>;
  /** Rows (and rows per label) per split. */
  readonly splits?: Readonly<Record<string, { readonly rows: number; readonly labels: Readonly<Record<string, number>> }>>;
}

export interface TrainingRecord {
  readonly curves?: { readonly epochs: readonly EpochRecord[]; readonly bestEpoch: number };
  readonly evaluation?: EvaluationRecord;
  readonly dataset?: DatasetSummary;
  /** trainer pretrained: nothing is trained; the sample documents whose outputs are the goldens. */
  readonly samples?: number;
}
