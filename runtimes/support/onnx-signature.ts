/**
 * The signature of an ONNX model (input and output names, element types, shapes) read by
 * decoding its ModelProto with onnx-proto. No inference runtime starts: the compiler only
 * needs to know what the generated server must accept and return.
 */
import { createRequire } from "node:module";
import type * as OnnxProto from "onnx-proto";

/** One model input or output; -1 marks a symbolic dimension. The IR's SignatureTensor is this type. */
export interface SignatureTensor {
  readonly name: string;
  readonly datatype: "FP32" | "INT64";
  readonly shape: readonly number[];
}

// onnx-proto (protobufjs) takes a noticeable part of a cold start; only App and transformer specs need it,
// so it is required on first use instead of imported with the compiler.
let onnxModule: typeof OnnxProto.onnx | undefined;
// A plain `require("onnx-proto")` call: the image builder finds dependencies by scanning for it.
const require = createRequire(import.meta.url);
const loadOnnx = () => (onnxModule ??= (require("onnx-proto") as typeof OnnxProto).onnx);

export interface ModelSignature {
  readonly inputs: readonly SignatureTensor[];
  readonly outputs: readonly SignatureTensor[];
}

export type SignatureResult = { readonly ok: true; readonly signature: ModelSignature } | { readonly ok: false; readonly reason: string };

/** TensorProto.DataType numbers mesh serves, and names of the others for messages. */
const SERVED: Readonly<Record<number, SignatureTensor["datatype"]>> = { 1: "FP32", 7: "INT64" };
const TYPE_NAMES: Readonly<Record<number, string>> = {
  0: "UNDEFINED",
  1: "FLOAT",
  2: "UINT8",
  3: "INT8",
  4: "UINT16",
  5: "INT16",
  6: "INT32",
  7: "INT64",
  8: "STRING",
  9: "BOOL",
  10: "FLOAT16",
  11: "DOUBLE",
  12: "UINT32",
  13: "UINT64",
  16: "BFLOAT16",
};

/** Decodes `bytes` as an ONNX ModelProto and returns its graph's inputs and outputs. */
export function readOnnxSignature(bytes: Uint8Array): SignatureResult {
  let model: OnnxProto.onnx.ModelProto;
  try {
    model = loadOnnx().ModelProto.decode(bytes);
  } catch (err) {
    return { ok: false, reason: `cannot decode the protobuf (${err instanceof Error ? err.message : String(err)})` };
  }
  const graph = model.graph;
  if (!graph || !model.irVersion) return { ok: false, reason: "no graph or IR version; is this an ONNX file?" };
  // Older exporters list initializers (weights) as graph inputs too; they are not fed by callers.
  const weights = new Set((graph.initializer ?? []).map((t) => t.name ?? ""));
  const inputs = (graph.input ?? []).filter((vi) => !weights.has(vi.name ?? ""));
  const outputs = graph.output ?? [];
  if (inputs.length === 0) return { ok: false, reason: "the graph has no inputs" };
  if (outputs.length === 0) return { ok: false, reason: "the graph has no outputs" };
  const read = (vi: (typeof inputs)[number], role: string): SignatureTensor | string => {
    const name = vi.name ?? "";
    const tensor = vi.type?.tensorType;
    if (!name) return `an ${role} has no name`;
    if (!tensor) return `${role} "${name}" is not a tensor (sequences and maps are not served)`;
    const elem = tensor.elemType ?? 0;
    const datatype = SERVED[elem];
    if (!datatype) return `${role} "${name}" has element type ${TYPE_NAMES[elem] ?? elem}; mesh serves FLOAT and INT64 tensors`;
    if (!tensor.shape) return `${role} "${name}" has no shape`;
    const shape = (tensor.shape.dim ?? []).map((d) => {
      const v = d.dimValue === null || d.dimValue === undefined ? 0 : Number(d.dimValue);
      return v > 0 ? v : -1; // symbolic (dimParam) or unknown dimensions are dynamic
    });
    if (shape.length === 0) return `${role} "${name}" is a scalar; mesh serves batched tensors`;
    return { name, datatype, shape };
  };
  const result: SignatureTensor[][] = [[], []];
  for (const [k, list] of [inputs, outputs].entries()) {
    for (const vi of list) {
      const t = read(vi, k === 0 ? "input" : "output");
      if (typeof t === "string") return { ok: false, reason: t };
      result[k]!.push(t);
    }
  }
  return { ok: true, signature: { inputs: result[0]!, outputs: result[1]! } };
}
