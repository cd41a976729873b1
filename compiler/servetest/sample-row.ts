/**
 * One request row and its model-input tensor, for the V2-agrees-with-v1 check: the first
 * spec example (else a neutral row), featurized with the very featurizer the server uses.
 */
import type { ProjectIR } from "../ir.js";
import { createFeaturizer, type FeatureSpec } from "../../runtimes/features/index.js";

export interface SampleRow {
  readonly attributes: Record<string, unknown>;
  /** The same row as a V2 tensor: features (FP32/INT64), or a transformer's text (BYTES). */
  readonly tensor: { readonly name: string; readonly shape: number[]; readonly datatype: "FP32" | "INT64" | "BYTES"; readonly data: (number | string)[] };
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
    return { attributes, tensor: { name: t.input, shape: [1], datatype: "BYTES", data: [typeof text === "string" ? text : "hello world"] } };
  }
  const input = ir.model.inputs[0];
  if (!input) return undefined;
  const attributes = { ...(ir.serve.examples[0]?.attributes ?? neutralRow(ir)) };
  const width = input.shape.slice(1).reduce((a, b) => a * Math.max(b, 1), 1);
  const out = new Float32Array(width);
  if (ir.model.features) {
    createFeaturizer(ir.model.features as FeatureSpec).encode(attributes, out, 0);
  } else {
    const value = attributes[input.name] ?? Object.values(attributes)[0];
    if (!Array.isArray(value)) return undefined;
    out.set(value as number[]);
  }
  return { attributes, tensor: { name: input.name, shape: [1, width], datatype: input.datatype, data: Array.from(out) } };
}
