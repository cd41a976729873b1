/**
 * One request row and its model-input tensor, for the V2-agrees-with-v1 check: the first
 * spec example (else a neutral row), featurized with the very featurizer the server uses.
 */
import type { ProjectIR } from "../ir.js";
import { createFeaturizer, type FeatureSpec } from "../../runtimes/features/index.js";

export interface SampleRow {
  readonly attributes: Record<string, unknown>;
  /** The same row as a V2 tensor: features (FP32/INT64), or a transformer's text (BYTES). */
  readonly tensor: SampleTensor;
  /** Every input the model takes, this row's values (an App may have several, e.g. input_ids and attention_mask). */
  readonly tensors: readonly SampleTensor[];
}

export interface SampleTensor {
  readonly name: string;
  readonly shape: number[];
  readonly datatype: "FP32" | "INT64" | "BYTES";
  readonly data: (number | string)[];
}

function neutralRow(ir: ProjectIR): Record<string, unknown> {
  const row: Record<string, unknown> = {};
  for (const f of ir.serve.api.attributes) {
    row[f.name] = f.type === "string" ? "hello world" : f.type === "boolean" ? false : f.type === "number[]" ? new Array(f.length ?? 0).fill(0) : 0;
  }
  return row;
}

export function sampleRow(ir: ProjectIR): SampleRow | undefined {
  const t = ir.model.transformer;
  if (t) {
    const attributes = { ...(ir.serve.examples[0]?.attributes ?? neutralRow(ir)) };
    const text = attributes[t.input];
    const tensor: SampleTensor = { name: t.input, shape: [1], datatype: "BYTES", data: [typeof text === "string" ? text : "hello world"] };
    return { attributes, tensor, tensors: [tensor] };
  }
  const input = ir.model.inputs[0];
  if (!input) return undefined;
  const attributes = { ...(ir.serve.examples[0]?.attributes ?? neutralRow(ir)) };
  if (ir.model.features) {
    const width = input.shape.slice(1).reduce((a, b) => a * Math.max(b, 1), 1);
    const out = new Float32Array(width);
    createFeaturizer(ir.model.features as FeatureSpec).encode(attributes, out, 0);
    const tensor: SampleTensor = { name: input.name, shape: [1, width], datatype: input.datatype, data: Array.from(out) };
    return { attributes, tensor, tensors: [tensor] };
  }
  // An App: each input is the attribute of its name, one row (a dynamic dimension takes the row's length).
  const tensors: SampleTensor[] = [];
  for (const t of ir.model.inputs) {
    const value = attributes[t.name] ?? (ir.model.inputs.length === 1 ? Object.values(attributes)[0] : undefined);
    if (!Array.isArray(value)) return undefined;
    tensors.push({ name: t.name, shape: [1, value.length], datatype: t.datatype === "INT64" ? "INT64" : "FP32", data: value as number[] });
  }
  return { attributes, tensor: tensors[0]!, tensors };
}
