/**
 * Reading and writing the TensorProto payloads the int8 rewrite touches: FP32 weights in
 * (raw_data or float_data), uint8 / FP32 initializers out (always raw_data, little-endian,
 * as the ONNX spec fixes it), and int64 fields that protobufjs hands back as Long objects.
 */
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;
export const DataType = onnx.TensorProto.DataType;

/** protobufjs decodes int64 fields as Long when the `long` package is installed, else as number. */
export type Int64 = number | { toNumber(): number };

export function int64(v: Int64 | null | undefined): number {
  if (v === null || v === undefined) return 0;
  return typeof v === "number" ? v : v.toNumber();
}

export function dimsOf(t: onnxProto.onnx.ITensorProto): number[] {
  return (t.dims ?? []).map((d) => int64(d as Int64));
}

/** Why an FP32 tensor's payload cannot be read, or its values (a fresh, aligned copy). */
export function readFloat32(t: onnxProto.onnx.ITensorProto, count: number): Float32Array | string {
  if (t.dataType !== DataType.FLOAT) return `element type ${t.dataType} is not FLOAT`;
  if (t.segment) return "the tensor is segmented";
  const raw = t.rawData;
  if (raw && raw.byteLength > 0) {
    if (raw.byteLength !== count * 4) return `raw_data holds ${raw.byteLength} bytes, its dims need ${count * 4}`;
    // A copy rather than a view: decoded raw_data points into the model's bytes at any
    // offset, and Float32Array needs 4-byte alignment. DataView reads little-endian on any host.
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const out = new Float32Array(count);
    for (let i = 0; i < count; i++) out[i] = view.getFloat32(i * 4, true);
    return out;
  }
  const floats = t.floatData ?? [];
  if (floats.length !== count) return `float_data holds ${floats.length} values, its dims need ${count}`;
  return Float32Array.from(floats);
}

function littleEndianFloats(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const view = new DataView(out.buffer);
  values.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return out;
}

export function floatTensor(name: string, dims: readonly number[], values: Float32Array): onnxProto.onnx.ITensorProto {
  return { name, dims: [...dims], dataType: DataType.FLOAT, rawData: littleEndianFloats(values) };
}

/**
 * Symmetric int8 weights stored as uint8 with zero point 128, so MatMulInteger runs
 * onnxruntime's u8×u8 kernel. Why not int8: on x86 CPUs without VNNI (AVX2 only) the u8×s8
 * kernel sums two products into a saturating int16 (vpmaddubsw: 2 × 255 × 127 = 64,770 >
 * 32,767), and a BERT-shaped graph's logits came out 0.70 off. The u8×u8 kernel widens to
 * int16 before multiplying and never saturates, on every CPU the model may be served on —
 * the machine that compiles is not the one that serves. Values are identical: q + 128 − 128.
 */
export function offsetUint8Tensor(name: string, dims: readonly number[], values: Int8Array): onnxProto.onnx.ITensorProto {
  const raw = new Uint8Array(values.length);
  for (let i = 0; i < values.length; i++) raw[i] = values[i]! + UINT8_WEIGHT_ZERO_POINT;
  return { name, dims: [...dims], dataType: DataType.UINT8, rawData: raw };
}

export const UINT8_WEIGHT_ZERO_POINT = 128;
