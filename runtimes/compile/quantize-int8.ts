/**
 * Dynamic int8 quantization of an ONNX model, in TypeScript: every MatMul (and Gemm) whose
 * weight is a constant 2-D FP32 initializer gets int8 symmetric weights (per output column by
 * default) and runs as DynamicQuantizeLinear → MatMulInteger → Cast → Mul, activations being
 * quantized to uint8 per tensor at run time. This is what onnxruntime's Python
 * `quantize_dynamic` does for MatMul, without needing Python where the compile step runs.
 * On CPU it buys 3–4× on transformer encoders (bench/transformers/int8.mjs).
 *
 * The pieces live in ./quantize/: parse (strict decoding), candidates (what qualifies),
 * weights (the int8 math), rewrite (the nodes), prune (dropping what became unused).
 */
import onnxProto from "onnx-proto";
import { parseModel } from "./quantize/parse.js";
import { defaultOpset, ensureDefaultOpset } from "./quantize/opset.js";
import { pruneOrphans } from "./quantize/prune.js";
import { rewriteGraph, type SkippedNode } from "./quantize/rewrite.js";

export { OnnxModelError } from "./quantize/parse.js";
export type { SkippedNode } from "./quantize/rewrite.js";

const { onnx } = onnxProto;

export interface QuantizeInt8Options {
  /** One scale per output column (default) or one per weight tensor. */
  readonly perChannel?: boolean;
  /** Weights with fewer elements stay FP32 (default 0: quantize all): tiny MatMuls gain nothing. */
  readonly minElements?: number;
}

export interface QuantizeInt8Details {
  /** MatMul and Gemm nodes rewritten. */
  readonly quantizedMatMuls: number;
  /** MatMul and Gemm nodes left in FP32; `skipped` says why, node by node. */
  readonly skippedMatMuls: number;
  /** Distinct int8 weights written: a weight shared by several nodes is quantized once. */
  readonly quantizedWeights: number;
  readonly bytesBefore: number;
  readonly bytesAfter: number;
  readonly skipped: readonly SkippedNode[];
}

export interface QuantizeInt8Result {
  readonly bytes: Uint8Array;
  readonly details: QuantizeInt8Details;
}

/**
 * The quantized model's bytes. The same input gives the same bytes. A model with nothing to
 * quantize comes back byte for byte. Throws OnnxModelError for bytes that are not an ONNX model
 * it can rewrite faithfully (garbage, unknown fields, external data, a default-domain opset
 * below 11), RangeError for bad options.
 */
export function quantizeDynamicInt8(model: Uint8Array, options: QuantizeInt8Options = {}): QuantizeInt8Result {
  const perChannel = options.perChannel ?? true;
  const minElements = options.minElements ?? 0;
  if (!Number.isFinite(minElements) || minElements < 0) throw new RangeError(`minElements must be a finite number ≥ 0, got ${minElements}`);

  const proto = parseModel(model);
  const graph = proto.graph!;
  const result = rewriteGraph(graph, { perChannel, minElements, defaultOpset: defaultOpset(proto) });
  const details = (bytesAfter: number): QuantizeInt8Details => ({
    quantizedMatMuls: result.quantized,
    skippedMatMuls: result.skipped.length,
    quantizedWeights: result.quantizedWeights,
    bytesBefore: model.byteLength,
    bytesAfter,
    skipped: result.skipped,
  });
  // Nothing rewritten: hand back a copy of the input rather than a re-encoding of it (protobufjs
  // writes some fields differently from onnx's C++ writer, e.g. packed int64s: same model, other bytes).
  if (result.quantized === 0) return { bytes: new Uint8Array(model), details: details(model.byteLength) };

  pruneOrphans(graph, result.touched);
  ensureDefaultOpset(proto);
  const encoded = onnx.ModelProto.encode(proto).finish();
  const bytes = new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength);
  return { bytes, details: details(bytes.byteLength) };
}
