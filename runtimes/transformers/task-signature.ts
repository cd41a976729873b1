/**
 * Does a model folder fit the task it is asked to serve? The one check used at `mesh
 * validate` (on the facts in model.lock.json) and when the server loads the model, so a
 * model that cannot answer is refused before anything says ready.
 */
import type { SignatureTensor } from "../support/onnx-signature.js";

export type TransformerTask = "text-classification" | "token-classification" | "feature-extraction" | "keyword-extraction";

/** The inputs mesh feeds a transformer: ids and mask always, token types when the graph has them. */
export const TEXT_INPUTS = ["input_ids", "attention_mask", "token_type_ids"] as const;

export interface TaskSignature {
  /** The output tensor the task reads. */
  readonly output: string;
  readonly hasTokenTypeIds: boolean;
}

export interface SignatureFacts {
  readonly labels: readonly string[];
  readonly inputs: readonly SignatureTensor[];
  readonly outputs: readonly SignatureTensor[];
}

const describe = (t: SignatureTensor) => `${t.name} ${t.datatype} [${t.shape.join(", ")}]`;

export function checkTaskSignature(task: TransformerTask, facts: SignatureFacts): { ok: true; signature: TaskSignature } | { ok: false; problems: string[] } {
  const problems: string[] = [];
  for (const name of ["input_ids", "attention_mask"]) {
    const t = facts.inputs.find((i) => i.name === name);
    if (!t) problems.push(`the ONNX model has no input "${name}" (inputs: ${facts.inputs.map(describe).join("; ") || "none"})`);
    else if (t.datatype !== "INT64" || t.shape.length !== 2) problems.push(`input "${name}" must be INT64 [batch, sequence], got ${describe(t)}`);
  }
  const types = facts.inputs.find((i) => i.name === "token_type_ids");
  if (types && (types.datatype !== "INT64" || types.shape.length !== 2)) problems.push(`input "token_type_ids" must be INT64 [batch, sequence], got ${describe(types)}`);
  const extra = facts.inputs.filter((i) => !(TEXT_INPUTS as readonly string[]).includes(i.name));
  if (extra.length > 0) problems.push(`mesh feeds ${TEXT_INPUTS.join(", ")}; the model also needs ${extra.map(describe).join("; ")}`);

  const rank = task === "text-classification" ? 2 : 3;
  const preferred = task === "feature-extraction" || task === "keyword-extraction" ? "last_hidden_state" : "logits";
  const output = facts.outputs.find((o) => o.name === preferred && o.shape.length === rank) ?? facts.outputs.find((o) => o.shape.length === rank && o.datatype === "FP32");
  if (!output) {
    const what = rank === 2 ? "[batch, labels] logits" : task === "token-classification" ? "[batch, sequence, labels] logits" : "[batch, sequence, hidden] last_hidden_state";
    problems.push(`${task} reads a ${what} output; the model has ${facts.outputs.map(describe).join("; ") || "none"}`);
  } else if (output.datatype !== "FP32") problems.push(`output "${output.name}" must be FP32, got ${output.datatype}`);
  else if (task === "text-classification" || task === "token-classification") {
    const width = output.shape.at(-1)!;
    if (facts.labels.length === 0) problems.push(`${task} needs labels: config.json has no id2label`);
    else if (width > 0 && width !== facts.labels.length) problems.push(`config.json id2label names ${facts.labels.length} labels but the model's output "${output.name}" has ${width}`);
  }
  if (problems.length > 0 || !output) return { ok: false, problems };
  return { ok: true, signature: { output: output.name, hasTokenTypeIds: types !== undefined } };
}
