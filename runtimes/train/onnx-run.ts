/**
 * Runs an ONNX classifier in onnxruntime-node: the trainer's export check, the compile
 * step's parity check and golden predictions all go through here. A file that does not
 * load is a clear error, not a native stack trace.
 */
import * as ort from "onnxruntime-node";
import { reason } from "../lifecycle/errors.js";

export class OnnxLoadError extends Error {}

export type SessionSource = Uint8Array | string;

export async function openSession(model: SessionSource, options: ort.InferenceSession.SessionOptions = {}): Promise<ort.InferenceSession> {
  try {
    return typeof model === "string" ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
  } catch (err) {
    throw new OnnxLoadError(`onnxruntime could not load the model: ${reason(err).split("\n")[0]}`);
  }
}

/** Runs `rows` feature rows (flattened, `width` each) in batches; returns one probability row per input. */
export async function runRows(session: ort.InferenceSession, rows: readonly Float32Array[], width: number, batch = 256): Promise<Float32Array[]> {
  const input = session.inputNames[0]!;
  const output = session.outputNames[0]!;
  const out: Float32Array[] = [];
  for (let start = 0; start < rows.length; start += batch) {
    const chunk = rows.slice(start, start + batch);
    const data = new Float32Array(chunk.length * width);
    chunk.forEach((r, i) => data.set(r, i * width));
    const result = await session.run({ [input]: new ort.Tensor("float32", data, [chunk.length, width]) });
    const t = result[output]!;
    const classes = Number(t.dims[1]);
    const values = t.data as Float32Array;
    for (let i = 0; i < chunk.length; i++) out.push(values.slice(i * classes, (i + 1) * classes));
  }
  return out;
}

/** Largest |a − b| over all rows; Infinity when shapes differ. */
export function maxAbsDiff(a: readonly ArrayLike<number>[], b: readonly ArrayLike<number>[]): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x.length !== y.length) return Infinity;
    for (let j = 0; j < x.length; j++) {
      const d = Math.abs(x[j]! - y[j]!);
      if (!(d <= max)) max = Number.isNaN(d) ? Infinity : d;
    }
  }
  return max;
}
