/**
 * The onnxruntime-node session: options from the config (1 intra-op thread and sequential
 * execution by default — two threads made the HTTP server slower on 2 cores, perf-baselines
 * §3b), input/output metadata, and the zero-batch warm-up that gates readiness.
 */
import * as ort from "onnxruntime-node";
import type { TensorSpec } from "./definition.js";
import type { GraphOptimization } from "./config.js";

export interface SessionOptions {
  readonly intraOpThreads: number;
  readonly interOpThreads: number;
  readonly graphOptimization: GraphOptimization;
}

/** One model input or output as the session sees it; -1 marks a symbolic (batch) dimension. */
export interface TensorMeta {
  readonly name: string;
  readonly datatype: "FP32" | "INT64" | "OTHER";
  readonly shape: readonly number[];
}

export type Feeds = Record<string, ort.Tensor>;
export type Outputs = Record<string, { readonly data: ArrayLike<number | bigint>; readonly dims: readonly number[] }>;

export interface ModelSession {
  readonly inputs: readonly TensorMeta[];
  readonly outputs: readonly TensorMeta[];
  run(feeds: Feeds): Promise<Outputs>;
  release(): Promise<void>;
}

const DATATYPES: Record<string, TensorMeta["datatype"]> = { float32: "FP32", int64: "INT64" };

function meta(m: ort.InferenceSession.ValueMetadata): TensorMeta {
  if (!m.isTensor) return { name: m.name, datatype: "OTHER", shape: [] };
  return { name: m.name, datatype: DATATYPES[m.type] ?? "OTHER", shape: m.shape.map((d) => (typeof d === "number" ? d : -1)) };
}

/** Loads a model from a path or bytes. Throws with onnxruntime's message when it cannot. */
export async function openSession(model: string | Uint8Array, opts: SessionOptions): Promise<ModelSession> {
  const options: ort.InferenceSession.SessionOptions = {
    intraOpNumThreads: opts.intraOpThreads,
    interOpNumThreads: opts.interOpThreads,
    executionMode: "sequential",
    graphOptimizationLevel: opts.graphOptimization,
  };
  const session = typeof model === "string" ? await ort.InferenceSession.create(model, options) : await ort.InferenceSession.create(model, options);
  return {
    inputs: session.inputMetadata.map(meta),
    outputs: session.outputMetadata.map(meta),
    run: (feeds) => session.run(feeds) as unknown as Promise<Outputs>,
    release: () => session.release(),
  };
}

/** A float32 tensor over `data` with the given dims (no copy). */
export function floatTensor(data: Float32Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor("float32", data, dims);
}

export function int64Tensor(data: BigInt64Array, dims: readonly number[]): ort.Tensor {
  return new ort.Tensor("int64", data, dims);
}

/** Checks the served definition against the model file: names, types and fixed dimensions. */
export function checkSignature(declared: readonly TensorSpec[], actual: readonly TensorMeta[], what: string): string | undefined {
  for (const d of declared) {
    const a = actual.find((x) => x.name === d.name);
    if (!a) return `the model has no ${what} named "${d.name}" (it has: ${actual.map((x) => x.name).join(", ")})`;
    if (a.datatype !== d.datatype) return `${what} "${d.name}" is ${a.datatype} in the model, ${d.datatype} in the service definition`;
    if (a.shape.length !== d.shape.length || a.shape.some((n, i) => n >= 0 && d.shape[i]! >= 0 && n !== d.shape[i])) {
      return `${what} "${d.name}" has shape [${a.shape.join(", ")}] in the model, [${d.shape.join(", ")}] in the service definition`;
    }
  }
  return undefined;
}

/** Runs one inference on an all-zero batch of one row: proves the model runs before we say ready. */
export async function warmUp(session: ModelSession, inputs: readonly TensorSpec[]): Promise<void> {
  const feeds: Feeds = {};
  for (const spec of inputs) {
    const dims = spec.shape.map((d) => (d < 0 ? 1 : d));
    const size = dims.reduce((a, b) => a * b, 1);
    feeds[spec.name] = spec.datatype === "INT64" ? int64Tensor(new BigInt64Array(size), dims) : floatTensor(new Float32Array(size), dims);
  }
  await session.run(feeds);
}
