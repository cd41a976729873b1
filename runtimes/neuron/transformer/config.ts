/**
 * neuron.json: the data the transformer Neuron scripts (compile.py, validate.py) read, built
 * by one function from the serving settings, a Neuron target and the model's input names —
 * by generators/neuron from the IR (into out/<name>/compile/neuron/) and by the compile
 * target from the trained version's card and folder, so both write the same document.
 */
import type { TransformerServing } from "../../transformers/config.js";
import { TEXT_INPUTS } from "../../transformers/task-signature.js";
import { canonicalJson } from "../../support/canonical-json.js";

/**
 * How one golden document's row is laid out (test_files/predictions.json), the rule of
 * runtimes/transformers/pipeline.ts `rawOutputs`: a classifier's logits row; a token
 * classifier's real tokens × labels, flattened; an encoder's pooled vector, L2-normalised
 * only for feature-extraction with `normalize` (keyword extraction compares raw vectors).
 */
export type GoldenLayout =
  | { readonly layout: "logits" }
  | { readonly layout: "token-logits" }
  | { readonly layout: "pooled"; readonly pooling: TransformerServing["pooling"]; readonly normalize: boolean };

export function goldenLayout(serving: Pick<TransformerServing, "task" | "pooling" | "normalize">): GoldenLayout {
  switch (serving.task) {
    case "text-classification":
      return { layout: "logits" };
    case "token-classification":
      return { layout: "token-logits" };
    case "feature-extraction":
      return { layout: "pooled", pooling: serving.pooling, normalize: serving.normalize };
    case "keyword-extraction":
      return { layout: "pooled", pooling: serving.pooling, normalize: false };
  }
}

/** The target fields the scripts need (a Neuron target of the IR or of a compile config). */
export interface NeuronTargetShape {
  readonly instance: "inf1" | "inf2" | "trn1";
  readonly batchSize: number;
  readonly maxLength: number;
  readonly dynamicBatch: boolean;
  readonly compilerArgs: readonly string[];
}

export interface NeuronTransformerConfig {
  /** Registry key, for messages (SENTIMENT). */
  readonly key: string;
  readonly task: TransformerServing["task"];
  readonly target: NeuronTargetShape;
  /** The model's inputs in positional order (input_ids, attention_mask[, token_type_ids]). */
  readonly inputs: readonly string[];
  readonly output: string;
  readonly golden: GoldenLayout;
  /** Tolerances validate.py applies when run on its own with --golden. */
  readonly validate: { readonly atol: number; readonly rtol: number };
}

/**
 * The config of one target. `inputNames` are the ONNX signature's inputs (the lock's facts or
 * the trained folder's graph); the traced module takes them positionally in Optimum's order,
 * which is also the order of Hugging Face's forward arguments.
 */
export function neuronTransformerConfig(
  key: string,
  serving: TransformerServing,
  target: NeuronTargetShape,
  inputNames: readonly string[],
  validate: { readonly atol: number; readonly rtol: number },
): NeuronTransformerConfig {
  const inputs = TEXT_INPUTS.filter((n) => inputNames.includes(n));
  return { key, task: serving.task, target, inputs, output: serving.output, golden: goldenLayout(serving), validate: { atol: validate.atol, rtol: validate.rtol } };
}

/** neuron.json's text: snake_case keys for Python, sorted, two-space indent, trailing newline. */
export function neuronJson(cfg: NeuronTransformerConfig): string {
  const t = cfg.target;
  return canonicalJson(
    {
      key: cfg.key,
      task: cfg.task,
      instance: t.instance,
      batch_size: t.batchSize,
      max_length: t.maxLength,
      dynamic_batch: t.dynamicBatch,
      compiler_args: [...t.compilerArgs],
      inputs: [...cfg.inputs],
      output: cfg.output,
      golden: cfg.golden,
      validate: cfg.validate,
    },
    true,
  );
}
