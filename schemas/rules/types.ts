/** Types shared by the cross-field rules (`schemas/project-rules.ts` and `schemas/rules/*`). */

/** Rule names; each has an entry of the same name in the compiler's diagnostics registry. */
export type RuleId =
  | "step-requires"
  | "app-no-lifecycle"
  | "target-column-missing"
  | "target-enum"
  | "feature-column"
  | "map-glob-slash"
  | "api-task-mismatch"
  | "response-field"
  | "example-mismatch"
  | "parameter-default"
  | "neuron-batch"
  | "neuron-shape"
  | "duplicate-name"
  | "duplicate-registry-key"
  | "folder-name"
  | "transformer-model"
  | "cron-schedule"
  | "release-steps"
  | "autoscale-bounds"
  | "pretrained-gates"
  | "rows-over-queue";

/** One broken rule: where (a path into the spec) and the message parameters. */
export interface RuleViolation {
  readonly rule: RuleId;
  readonly path: readonly (string | number)[];
  /** Point at the key of the last path segment (e.g. a whole step) or at its value. */
  readonly anchor?: "key" | "value";
  readonly params: Readonly<Record<string, string | number>>;
  readonly hint?: string;
}

/** Defaults the rules depend on; the caller passes them from `compiler/lower/defaults.ts`. */
export interface RuleDefaults {
  /** Dataset column holding the label when `model.target` is absent. */
  readonly target: string;
  /** Request attribute / column holding the text when `features.input` is absent. */
  readonly textInput: string;
  readonly maxBatch: number;
  readonly batchingEnabled: boolean;
  /** Rows that may wait for the model (MESH_QUEUE_ROWS) and rows one request may carry (MESH_MAX_ROWS), when the spec does not say. */
  readonly queueRows: number;
  readonly maxRows: number;
  readonly dynamicBatch: boolean;
  /** Request attribute holding the text of a transformer task when `model.input` is absent. */
  readonly transformerInput: string;
  /** Response fields of a classifier when `serve.api.response` is absent. */
  readonly response: Readonly<Record<string, string>>;
}

/** One input tensor of an App's model, as a request attribute: a flat row of `length` numbers. */
export interface AppInput {
  readonly name: string;
  readonly length: number;
}

export interface RuleContext {
  readonly defaults: RuleDefaults;
  /** App only, when its model signature could be read: the inputs the examples must fill. */
  readonly appInputs?: readonly AppInput[];
  /** App only: output tensor names (the response of an App without labels). */
  readonly appOutputs?: readonly string[];
  /** Transformer models: the labels of the model folder's config.json (from model.lock.json). */
  readonly transformerLabels?: readonly string[];
}
