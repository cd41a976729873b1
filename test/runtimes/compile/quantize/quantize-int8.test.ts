/**
 * The int8 compile target's graph rewrite (runtimes/compile/quantize-int8.ts), checked by the
 * tools that consume its output: onnxruntime-node runs the quantized graphs against the FP32
 * originals, Debian's python3-onnx checker validates them, and a tiny BERT-shaped encoder
 * exported by torch 1.13 (Debian's python3-torch) brings the exporter's real Identity aliases
 * and Gemms. Models built here use onnx-proto, like test/support/onnx-models.ts.
 *
 * Tolerances. A single quantized MatMul has a worst-case error we can compute exactly: with
 * x ≈ sx·(qx − zx) (|error| ≤ sx/2, sx = range(x ∪ 0)/255 over the whole input tensor) and
 * W ≈ sw·qw (|error| ≤ sw/2, sw = max|W| / 127 per column or per tensor),
 *   |Δy_ij| ≤ Σ_k |x_ik|·sw_j/2 + sx/2·Σ_k (|W_kj| + sw_j/2),
 * so that test asserts every output is inside its own bound (plus float32 rounding). Stacks of
 * layers mix these errors through ReLU/GELU/LayerNorm; there the test asserts max |Δ| ≤ 5% of
 * the FP32 outputs' largest magnitude. An 8-bit grid contributes ~1/254 of the weights' column
 * range and ~1/510 of the activations' range per layer, which stays around 1% after a few
 * layers (the BERT-base-shaped reference measures 0.02 on logits of ~0.5 after 12 layers and 49
 * quantized nodes); a wrong scale, transposition, zero point or bias gives errors of the order
 * of the outputs themselves. Argmax must agree on ≥ 99% of random rows, each run alone as a
 * request (see runEach). That margin is thin by nature with random weights, whose near-ties are
 * common: these models measure 99.5–99.9%, an exact FP32 copy would give 100%.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { execFileSync } from "node:child_process";
import * as ort from "onnxruntime-node";
import onnxProto from "onnx-proto";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { OnnxModelError, quantizeDynamicInt8 } from "../../../../runtimes/compile/quantize-int8.js";
import { resolvePython } from "../../../../runtimes/neuron/python-env.js";
import { mulberry32 } from "../../../support/onnx-models.js";

const { onnx } = onnxProto;
type Node = onnxProto.onnx.INodeProto;
type Tensor = onnxProto.onnx.ITensorProto;
type Model = onnxProto.onnx.ModelProto;
const FLOAT = onnx.TensorProto.DataType.FLOAT;
// Weights are symmetric int8 stored as uint8 + 128 (the u8×u8 kernel cannot saturate on AVX2).
const UINT8 = onnx.TensorProto.DataType.UINT8;
const PYTHON = resolvePython();

// ---------------------------------------------------------------- model building (onnx-proto)

/** A seeded generator per test, so that a test's data does not depend on which other tests ran. */
function random(seed: number) {
  const next = mulberry32(seed);
  const uniform = (n: number, scale: number) => Float32Array.from({ length: n }, () => (next() * 2 - 1) * scale);
  return { next, uniform, input: (rows: number, width: number) => new ort.Tensor("float32", uniform(rows * width, 1), [rows, width]) };
}
/** int64 fields decode as Long objects. */
const n64 = (v: unknown): number => (typeof v === "number" ? v : (v as { toNumber(): number }).toNumber());

function floats(name: string, dims: number[], data: Float32Array): Tensor {
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) };
}

const int = (name: string, i: number) => ({ name, type: onnx.AttributeProto.AttributeType.INT, i });
const float = (name: string, f: number) => ({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f });
const node = (opType: string, input: string[], output: string[], attribute: object[] = []): Node => ({ opType, input, output, name: `${opType}:${output[0]}`, attribute });
const info = (name: string, dims: (number | string)[]) => ({
  name,
  type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) } } },
});

interface GraphSpec {
  readonly nodes: Node[];
  readonly initializers: Tensor[];
  readonly inputs: { name: string; dims: (number | string)[] }[];
  readonly outputs: { name: string; dims: (number | string)[] }[];
  readonly opset?: number;
}

function buildModel(g: GraphSpec): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "mesh-test",
    opsetImport: [{ domain: "", version: g.opset ?? 17 }],
    graph: { name: "g", node: g.nodes, initializer: g.initializers, input: g.inputs.map((i) => info(i.name, i.dims)), output: g.outputs.map((o) => info(o.name, o.dims)) },
  });
  return onnx.ModelProto.encode(model).finish();
}

const decode = (bytes: Uint8Array): Model => onnx.ModelProto.decode(bytes);
const opTypes = (m: Model) => (m.graph!.node ?? []).map((n) => n.opType);
const count = (m: Model, op: string) => opTypes(m).filter((o) => o === op).length;
const initializerNames = (m: Model) => (m.graph!.initializer ?? []).map((t) => t.name);

/**
 * A stack covering what the rewrite meets in exported models: a weight behind two Identity
 * nodes, a Gemm with transB and its bias behind an Identity (torch's nn.Linear on 2-D input),
 * two MatMuls reading the same activation, one weight read by two MatMuls (once directly, once
 * through an Identity), a Gemm with alpha and beta, and a Gemm without C.
 * x[N,16] → 32 → 24 → 24 → 12 → logits[N,5].
 */
function stackModel(): Uint8Array {
  const { uniform } = random(7);
  const w = (name: string, k: number, n: number) => floats(name, [k, n], uniform(k * n, 1.5 / Math.sqrt(k)));
  return buildModel({
    inputs: [{ name: "x", dims: ["N", 16] }],
    outputs: [{ name: "logits", dims: ["N", 5] }],
    initializers: [
      w("W1", 16, 32),
      floats("B1", [32], uniform(32, 0.1)),
      w("W2t", 24, 32),
      floats("B2", [24], uniform(24, 0.1)), // stored [N, K] for transB
      w("Ws", 24, 24),
      w("Wt", 24, 24),
      w("W3", 24, 12),
      floats("B3", [12], uniform(12, 0.1)),
      w("W4", 12, 5),
    ],
    nodes: [
      node("Identity", ["W1"], ["W1_alias"]),
      node("Identity", ["W1_alias"], ["W1_alias2"]),
      node("MatMul", ["x", "W1_alias2"], ["h1"]),
      node("Add", ["h1", "B1"], ["h1b"]),
      node("Relu", ["h1b"], ["r1"]),
      node("Identity", ["B2"], ["B2_alias"]),
      node("Gemm", ["r1", "W2t", "B2_alias"], ["g2"], [int("transB", 1)]),
      node("Relu", ["g2"], ["r2"]),
      node("MatMul", ["r2", "Ws"], ["s1"]),
      node("MatMul", ["r2", "Wt"], ["t1"]),
      node("Add", ["s1", "t1"], ["u"]),
      node("Relu", ["u"], ["r3"]),
      node("Identity", ["Ws"], ["Ws_alias"]),
      node("MatMul", ["r3", "Ws_alias"], ["s2"]),
      node("Relu", ["s2"], ["r4"]),
      node("Gemm", ["r4", "W3", "B3"], ["g3"], [float("alpha", 0.5), float("beta", 2)]),
      node("Relu", ["g3"], ["r5"]),
      node("Gemm", ["r5", "W4"], ["logits"]),
    ],
  });
}

/** y = x·W with column magnitudes spread over three decades: per-column scales matter there. */
function singleMatMul(k: number, n: number): { bytes: Uint8Array; w: Float32Array } {
  const rand = mulberry32(11);
  const w = new Float32Array(k * n);
  for (let c = 0; c < n; c++) {
    const colScale = 10 ** (-3 * (c / (n - 1)));
    for (let r = 0; r < k; r++) w[r * n + c] = (rand() * 2 - 1) * colScale;
  }
  const bytes = buildModel({ inputs: [{ name: "x", dims: ["N", k] }], outputs: [{ name: "y", dims: ["N", n] }], initializers: [floats("W", [k, n], w)], nodes: [node("MatMul", ["x", "W"], ["y"])] });
  return { bytes, w };
}

// ---------------------------------------------------------------- running

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: "basic" });
  try {
    const out = await session.run(feeds);
    return out[session.outputNames[0]!]!.data as Float32Array;
  } finally {
    await session.release();
  }
}

/**
 * Both models on every feed, one session.run per feed (each feed a request, as served), the
 * outputs of each concatenated. Dynamic quantization takes one activation range per tensor: in a
 * batch every row would share the widest row's range, so rows alone are the serving case.
 */
async function runEach(fp32: Uint8Array, int8: Uint8Array, feeds: readonly Record<string, ort.Tensor>[]): Promise<[number[], number[]]> {
  const options = { intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: "basic" } as const;
  const [a, b] = await Promise.all([ort.InferenceSession.create(fp32, options), ort.InferenceSession.create(int8, options)]);
  const want: number[] = [];
  const got: number[] = [];
  try {
    for (const feed of feeds) {
      want.push(...((await a.run(feed))[a.outputNames[0]!]!.data as Float32Array));
      got.push(...((await b.run(feed))[b.outputNames[0]!]!.data as Float32Array));
    }
    return [want, got];
  } finally {
    await Promise.all([a.release(), b.release()]);
  }
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Share of rows (of `width` values) whose argmax is the same in both. */
function argmaxAgreement(a: ArrayLike<number>, b: ArrayLike<number>, width: number): number {
  const argmax = (v: ArrayLike<number>, row: number) => {
    let best = 0;
    for (let j = 1; j < width; j++) if (v[row * width + j]! > v[row * width + best]!) best = j;
    return best;
  };
  const rows = a.length / width;
  let same = 0;
  for (let r = 0; r < rows; r++) if (argmax(a, r) === argmax(b, r)) same++;
  return same / rows;
}

/** Every value is written once, and node names are unique. */
function expectUniqueNames(m: Model): void {
  const g = m.graph!;
  const produced = [...(g.input ?? []).map((i) => i.name), ...(g.initializer ?? []).map((t) => t.name), ...(g.node ?? []).flatMap((n) => n.output ?? [])];
  expect(new Set(produced).size).toBe(produced.length);
  const nodeNames = (g.node ?? []).map((n) => n.name).filter((n) => n);
  expect(new Set(nodeNames).size).toBe(nodeNames.length);
}

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-quantize-int8-"));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

// ---------------------------------------------------------------- tests

describe("a stack of MatMul and Gemm layers", () => {
  const fp32 = stackModel();
  const { bytes, details } = quantizeDynamicInt8(fp32);
  const q = decode(bytes);

  test("every MatMul and Gemm is rewritten; shared weights and activations are quantized once", () => {
    expect(details).toMatchObject({ quantizedMatMuls: 7, skippedMatMuls: 0, quantizedWeights: 6, bytesBefore: fp32.byteLength, bytesAfter: bytes.byteLength });
    expect(count(q, "MatMul") + count(q, "Gemm")).toBe(0);
    expect(count(q, "MatMulInteger")).toBe(7);
    // x, r1, r2 (read by two MatMuls), r3, r4, r5
    expect(count(q, "DynamicQuantizeLinear")).toBe(6);
    // Ws is read by two MatMuls, once through an Identity: one int8 copy.
    expect(
      initializerNames(q)
        .filter((n) => n?.startsWith("Ws"))
        .sort(),
    ).toEqual(["Ws_quantized", "Ws_scale", "Ws_zero_point"]);
    // Gemm's alpha is folded into its own scale tensor; no unscaled copy is left unused.
    expect(
      initializerNames(q)
        .filter((n) => n?.startsWith("W3"))
        .sort(),
    ).toEqual(["W3_quantized", "W3_scale_alpha", "W3_zero_point"]);
    expect(q.opsetImport.map((o) => [o.domain, n64(o.version)])).toEqual([["", 17]]);
    expectUniqueNames(q);
  });

  test("no FP32 weight and no Identity alias of the quantized nodes is left; biases stay", () => {
    const names = initializerNames(q);
    for (const w of ["W1", "W2t", "Ws", "Wt", "W3", "W4"]) expect(names).not.toContain(w);
    expect(names).toEqual(expect.arrayContaining(["B1", "B2", "B3"]));
    expect(count(q, "Identity")).toBe(0);
    for (const t of q.graph!.initializer ?? []) {
      const dims = (t.dims ?? []).map(n64);
      if (dims.length === 2) expect(t.dataType).toBe(UINT8);
    }
    // transB: the int8 weight is stored [K, N] for MatMulInteger.
    const w2 = (q.graph!.initializer ?? []).find((t) => t.name === "W2t_transposed_quantized")!;
    expect(w2.dims!.map(n64)).toEqual([32, 24]);
  });

  test("outputs stay within 5% of the FP32 range and argmax agrees on ≥ 99% of 1,000 rows", async () => {
    const { input } = random(1);
    const [want, got] = await runEach(
      fp32,
      bytes,
      Array.from({ length: 1000 }, () => ({ x: input(1, 16) })),
    );
    const diff = maxAbsDiff(got, want);
    expect(diff).toBeGreaterThan(0); // it really is quantized
    expect(diff).toBeLessThanOrEqual(0.05 * maxAbs(want));
    expect(argmaxAgreement(got, want, 5)).toBeGreaterThanOrEqual(0.99);
  });

  test("per-tensor scales (perChannel false) write one scale per weight and still agree", async () => {
    const perTensor = quantizeDynamicInt8(fp32, { perChannel: false });
    const m = decode(perTensor.bytes);
    const scales = (m.graph!.initializer ?? []).filter((t) => /^W.*_scale(_alpha)?$/.test(t.name ?? ""));
    expect(scales).toHaveLength(6);
    for (const s of scales) expect(s.dims ?? []).toHaveLength(0);
    const { input } = random(2);
    const [want, got] = await runEach(
      fp32,
      perTensor.bytes,
      Array.from({ length: 1000 }, () => ({ x: input(1, 16) })),
    );
    expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(0.05 * maxAbs(want));
    expect(argmaxAgreement(got, want, 5)).toBeGreaterThanOrEqual(0.99);
  });

  test("minElements leaves small weights in FP32 and says so", async () => {
    const partial = quantizeDynamicInt8(fp32, { minElements: 500 });
    // W1 16×32 = 512, W2t 768, Ws 576 (×2), Wt 576 are quantized; W3 288 and W4 60 are not.
    expect(partial.details).toMatchObject({ quantizedMatMuls: 5, skippedMatMuls: 2 });
    expect(partial.details.skipped.map((s) => s.reason)).toEqual(['its weight "W3" has 288 elements, fewer than minElements 500', 'its weight "W4" has 60 elements, fewer than minElements 500']);
    const m = decode(partial.bytes);
    expect(initializerNames(m)).toEqual(expect.arrayContaining(["W3", "W4"]));
    expect(count(m, "Gemm")).toBe(2);
    const feeds = { x: random(3).input(200, 16) };
    const [want, got] = await Promise.all([run(fp32, feeds), run(partial.bytes, feeds)]);
    expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(0.05 * maxAbs(want));
  });

  test("the same input gives the same bytes, and the quantized model has nothing left to quantize", () => {
    expect(Buffer.compare(Buffer.from(quantizeDynamicInt8(stackModel()).bytes), Buffer.from(bytes))).toBe(0);
    const again = quantizeDynamicInt8(bytes);
    expect(again.details.quantizedMatMuls).toBe(0);
    expect(Buffer.compare(Buffer.from(again.bytes), Buffer.from(bytes))).toBe(0);
  });
});

describe("one MatMul against its analytic error bound", () => {
  const K = 64;
  const N = 16;
  const { bytes: fp32, w } = singleMatMul(K, N);
  // Rows of different magnitudes, negative values included: the per-tensor activation scale comes from the whole batch.
  const rows = 256;
  const rand = mulberry32(4);
  const x = Float32Array.from({ length: rows * K }, (_, i) => (rand() * 2 - 1) * (1 + (Math.floor(i / K) % 4)));
  const feeds = () => ({ x: new ort.Tensor("float32", x, [rows, K]) });

  function bounds(perChannel: boolean): Float64Array {
    const xMax = Math.max(0, ...x);
    const xMin = Math.min(0, ...x);
    const sx = (xMax - xMin) / 255;
    const colMax = Array.from({ length: N }, (_, c) => Math.max(...Array.from({ length: K }, (_, r) => Math.abs(w[r * N + c]!))));
    const tensorMax = Math.max(...colMax);
    const sw = colMax.map((m) => (perChannel ? m : tensorMax) / 127);
    const out = new Float64Array(rows * N);
    for (let i = 0; i < rows; i++) {
      for (let c = 0; c < N; c++) {
        let b = 0;
        let magnitude = 0;
        for (let r = 0; r < K; r++) {
          const xv = Math.abs(x[i * K + r]!);
          const wv = Math.abs(w[r * N + c]!);
          b += (xv * sw[c]!) / 2 + (sx / 2) * (wv + sw[c]! / 2);
          magnitude += xv * wv;
        }
        out[i * N + c] = b * (1 + 1e-4) + 1e-5 * magnitude + 1e-7; // float32 rounding in both models
      }
    }
    return out;
  }

  async function errors(perChannel: boolean): Promise<{ diff: Float64Array; bound: Float64Array }> {
    const q = quantizeDynamicInt8(fp32, { perChannel });
    expect(q.details.quantizedMatMuls).toBe(1);
    const [want, got] = await Promise.all([run(fp32, feeds()), run(q.bytes, feeds())]);
    return { diff: Float64Array.from(got, (g, i) => Math.abs(g - want[i]!)), bound: bounds(perChannel) };
  }

  test("the stored weight: scale max|column| / 127, zero points 128 (int8 offset into uint8), and W within half a step of scale·q", () => {
    const m = decode(quantizeDynamicInt8(fp32).bytes);
    const init = (name: string) => (m.graph!.initializer ?? []).find((t) => t.name === name)!;
    const bytesOf = (t: Tensor) => t.rawData!.slice();
    const q = Array.from(bytesOf(init("W_quantized")), (b) => b - 128);
    const scale = new Float32Array(bytesOf(init("W_scale")).buffer);
    expect(init("W_quantized").dims!.map(n64)).toEqual([K, N]);
    expect(init("W_quantized").dataType).toBe(UINT8);
    expect(Array.from(bytesOf(init("W_zero_point")))).toEqual(new Array(N).fill(128));
    for (let c = 0; c < N; c++) {
      const column = Array.from({ length: K }, (_, r) => w[r * N + c]!);
      expect(scale[c]).toBe(Math.fround(Math.max(...column.map(Math.abs)) / 127));
      column.forEach((v, r) => expect(Math.abs(v - scale[c]! * q[r * N + c]!)).toBeLessThanOrEqual(scale[c]! * (0.5 + 1e-6)));
      expect(Math.max(...column.map((_, r) => Math.abs(q[r * N + c]!)))).toBe(127); // the largest magnitude uses the whole grid
    }
  });

  const worstOfColumn = (d: Float64Array, c: number) => Math.max(...Array.from({ length: rows }, (_, i) => d[i * N + c]!));

  test("per column: every output within its bound, and not exact", async () => {
    const { diff, bound } = await errors(true);
    const outside = [...diff.keys()].filter((i) => !(diff[i]! <= bound[i]!));
    expect(outside).toEqual([]);
    expect(Math.max(...diff)).toBeGreaterThan(0);
  });

  test("per tensor: within its (wider) bound; per column is far better on the small columns", async () => {
    const perTensor = await errors(false);
    const outside = [...perTensor.diff.keys()].filter((i) => !(perTensor.diff[i]! <= perTensor.bound[i]!));
    expect(outside).toEqual([]);
    const perColumn = await errors(true);
    // The last column is 1,000× smaller than the first: one scale for all wastes its 8 bits.
    expect(worstOfColumn(perColumn.diff, N - 1) * 10).toBeLessThan(worstOfColumn(perTensor.diff, N - 1));
  });
});

/** W's Identity alias is also a graph output, and V is read by a ReduceMean too: both must keep their FP32 values. */
function stillNeededModel(): { fp32: Uint8Array; w: Float32Array } {
  const { uniform } = random(5);
  const w = uniform(64, 0.5);
  const fp32 = buildModel({
    inputs: [{ name: "x", dims: ["N", 8] }],
    outputs: [
      { name: "y", dims: ["N", 8] },
      { name: "W_alias", dims: [8, 8] },
    ],
    initializers: [floats("W", [8, 8], w), floats("V", [8, 8], uniform(64, 0.5))],
    nodes: [
      node("Identity", ["W"], ["W_alias"]),
      node("MatMul", ["x", "W_alias"], ["h"]),
      node("MatMul", ["h", "V"], ["hv"]),
      node("ReduceMean", ["V"], ["v_mean"], [{ name: "axes", type: onnx.AttributeProto.AttributeType.INTS, ints: [0] }]),
      node("Add", ["hv", "v_mean"], ["y"]),
    ],
  });
  return { fp32, w };
}

describe("aliases and shared weights that stay needed", () => {
  test("an Identity alias that is also a graph output, and a weight also read by another node, keep their FP32 values", async () => {
    const { fp32, w } = stillNeededModel();
    const { bytes, details } = quantizeDynamicInt8(fp32);
    expect(details.quantizedMatMuls).toBe(2);
    const m = decode(bytes);
    expect(initializerNames(m)).toEqual(expect.arrayContaining(["W", "V", "W_quantized", "V_quantized"]));
    expect(count(m, "Identity")).toBe(1);
    expectUniqueNames(m);
    const feeds = { x: random(12).input(50, 8) };
    const session = await ort.InferenceSession.create(bytes);
    const out = await session.run(feeds);
    await session.release();
    expect(Array.from(out.W_alias!.data as Float32Array)).toEqual(Array.from(w));
    const want = await run(fp32, feeds);
    expect(maxAbsDiff(out.y!.data as Float32Array, want)).toBeLessThanOrEqual(0.05 * maxAbs(want));
  });

  test("names the rewrite would pick that already exist get a suffix", async () => {
    const { uniform, input } = random(6);
    const fp32 = buildModel({
      inputs: [{ name: "x", dims: ["N", 8] }],
      outputs: [{ name: "y", dims: ["N", 8] }],
      initializers: [floats("W", [8, 8], uniform(64, 0.5)), floats("W_quantized", [8], uniform(8, 1)), floats("x_scale", [8], uniform(8, 1))],
      nodes: [node("Add", ["x", "x_scale"], ["x_quantized"]), node("MatMul", ["x", "W"], ["h"]), node("Add", ["h", "x_quantized"], ["h2"]), node("Add", ["h2", "W_quantized"], ["y"])],
    });
    const { bytes } = quantizeDynamicInt8(fp32);
    const m = decode(bytes);
    expectUniqueNames(m);
    expect(initializerNames(m)).toEqual(expect.arrayContaining(["W_quantized", "W_quantized_1", "x_scale"]));
    expect((m.graph!.node ?? []).find((n) => n.opType === "DynamicQuantizeLinear")!.output).toEqual(["x_quantized_1", "x_scale_1", "x_zero_point"]);
    const feeds = { x: input(50, 8) };
    const want = await run(fp32, feeds);
    expect(maxAbsDiff(await run(bytes, feeds), want)).toBeLessThanOrEqual(0.05 * maxAbs(want));
  });
});

describe("models with nothing to quantize come back unchanged", () => {
  const { uniform, input } = random(8);
  const fp32 = buildModel({
    inputs: [
      { name: "x", dims: ["N", 4] },
      { name: "y", dims: [4, 4] },
      { name: "z", dims: [4, "N"] },
      { name: "Wd", dims: [4, 4] },
    ],
    outputs: [{ name: "out", dims: ["N", 4] }],
    initializers: [floats("Wd", [4, 4], uniform(16, 1)), floats("W3", [2, 4, 4], uniform(32, 1)), floats("Wa", [4, 4], uniform(16, 1))],
    nodes: [
      node("MatMul", ["x", "y"], ["a"]), // both operands are activations
      node("MatMul", ["a", "Wd"], ["b"]), // Wd is an initializer that is also a graph input: callers may override it
      node("Transpose", ["Wa"], ["WaT"]),
      node("MatMul", ["b", "WaT"], ["c"]), // computed weight
      node("Gemm", ["z", "Wa"], ["d"], [int("transA", 1)]),
      node("MatMul", ["x", "W3"], ["e"]), // rank-3 weight: a batched MatMul, [2, N, 4]
      node("ReduceSum", ["e"], ["es"], [int("keepdims", 0), { name: "axes", type: onnx.AttributeProto.AttributeType.INTS, ints: [0] }]),
      node("Add", ["c", "d"], ["cd"]),
      node("Add", ["cd", "es"], ["out"]),
    ],
    opset: 11, // the lowest the rewrite accepts, and ReduceSum still takes axes as an attribute
  });

  test("byte for byte, with every MatMul and Gemm listed with its reason", async () => {
    const { bytes, details } = quantizeDynamicInt8(fp32);
    expect(Buffer.compare(Buffer.from(bytes), Buffer.from(fp32))).toBe(0);
    expect(details).toMatchObject({ quantizedMatMuls: 0, skippedMatMuls: 5, quantizedWeights: 0, bytesBefore: fp32.byteLength, bytesAfter: fp32.byteLength });
    expect(details.skipped.map((s) => `${s.opType}: ${s.reason}`)).toEqual([
      'MatMul: its weight "y" is a graph input, not a constant',
      'MatMul: its weight "Wd" is a graph input (an initializer callers may override), not a constant',
      'MatMul: its weight "WaT" is computed by a Transpose node, not a constant',
      "Gemm: Gemm with transA = 1",
      'MatMul: its weight "W3" has rank 3, not 2',
    ]);
    const feeds = { x: input(6, 4), y: input(4, 4), z: input(4, 6) };
    expect(Array.from(await run(bytes, feeds))).toEqual(Array.from(await run(fp32, feeds)));
  });
});

test("a weight holding a non-finite value stays FP32, with the reason", () => {
  const w = new Float32Array(16).fill(0.5);
  w[5] = Number.POSITIVE_INFINITY;
  const fp32 = buildModel({ inputs: [{ name: "x", dims: ["N", 4] }], outputs: [{ name: "y", dims: ["N", 4] }], initializers: [floats("W", [4, 4], w)], nodes: [node("MatMul", ["x", "W"], ["y"])] });
  const { bytes, details } = quantizeDynamicInt8(fp32);
  expect(Buffer.compare(Buffer.from(bytes), Buffer.from(fp32))).toBe(0);
  expect(details.skipped).toEqual([{ node: "MatMul:y", opType: "MatMul", reason: 'its weight "W": the weight holds a non-finite value (Infinity) at [1, 1]' }]);
});

describe("inputs it refuses, with a clear message", () => {
  const valid = stackModel();
  const { next, uniform } = random(9);

  test.each([
    ["empty input", new Uint8Array(0), /^not an ONNX model: the input is empty$/],
    ["random bytes", Uint8Array.from({ length: 4096 }, () => Math.floor(next() * 256)), /^not an ONNX model/],
    ["a text file", new TextEncoder().encode("name: spam\nmodel: logistic-regression\n"), /^not an ONNX model/],
    ["a truncated model", valid.slice(0, Math.floor(valid.byteLength / 2)), /^not an ONNX model: protobuf decoding failed at byte \d+ of \d+/],
    ["a protobuf without a graph", onnx.ModelProto.encode({ irVersion: 8, producerName: "x" }).finish(), /^not an ONNX model: it has no graph$/],
    // Field 99 (varint) is not in ModelProto: a newer ONNX's field would be dropped on re-encoding.
    ["a model with a field the schema does not know", Uint8Array.from([...valid, 0x98, 0x06, 0x01]), /unknown to the ONNX 1\.10 schema at byte \d+/],
  ])("%s", (_, bytes, message) => {
    expect(() => quantizeDynamicInt8(bytes)).toThrow(OnnxModelError);
    expect(() => quantizeDynamicInt8(bytes)).toThrow(message);
  });

  test("a model whose weights are external data", () => {
    const m = decode(valid);
    const w = (m.graph!.initializer ?? []).find((t) => t.name === "W1")!;
    w.rawData = new Uint8Array(0);
    w.dataLocation = onnx.TensorProto.DataLocation.EXTERNAL;
    w.externalData = [{ key: "location", value: "weights.bin" }];
    expect(() => quantizeDynamicInt8(onnx.ModelProto.encode(m).finish())).toThrow(/^tensor "W1" is stored as external data; the int8 rewrite needs a self-contained model/);
  });

  test("a default-domain opset below 11 (DynamicQuantizeLinear does not exist there)", () => {
    const old = buildModel({
      inputs: [{ name: "x", dims: ["N", 4] }],
      outputs: [{ name: "y", dims: ["N", 4] }],
      initializers: [floats("W", [4, 4], uniform(16, 1))],
      nodes: [node("MatMul", ["x", "W"], ["y"])],
      opset: 10,
    });
    expect(() => quantizeDynamicInt8(old)).toThrow(OnnxModelError);
    expect(() => quantizeDynamicInt8(old)).toThrow(/imports default-domain opset 10; the int8 rewrite needs ≥ 11/);
  });

  test("a negative minElements", () => {
    expect(() => quantizeDynamicInt8(valid, { minElements: -1 })).toThrow(RangeError);
  });
});

// A BERT-shaped encoder as torch exports it: 2 deep-copied layers whose identical weights the
// exporter deduplicates behind Identity nodes, self-attention's out_proj as Gemm (transB = 1),
// the rest as MatMul on 3-D activations. Random weights, like the bench's base.py.
const TORCH_EXPORT = `
import sys, torch, torch.nn as nn
torch.manual_seed(0)
class Tiny(nn.Module):
    def __init__(s, V=64, d=32, L=2, H=4, ff=64, maxlen=32):
        super().__init__()
        s.tok = nn.Embedding(V, d); s.pos = nn.Embedding(maxlen, d); s.ln = nn.LayerNorm(d)
        s.enc = nn.TransformerEncoder(nn.TransformerEncoderLayer(d, H, ff, dropout=0.0, activation="gelu", batch_first=True), L)
        s.cls = nn.Linear(d, 9)
    def forward(s, input_ids):
        h = s.ln(s.tok(input_ids) + s.pos(torch.arange(input_ids.shape[1]).unsqueeze(0)))
        return s.cls(s.enc(h))
ids = torch.randint(0, 64, (2, 8))
dyn = {0: "b", 1: "s"}
torch.onnx.export(Tiny().eval(), (ids,), sys.argv[1], input_names=["input_ids"], output_names=["logits"],
                  dynamic_axes={"input_ids": dyn, "logits": dyn}, opset_version=14)
`;

let exported: Uint8Array | undefined;
/** The torch export, made on first use (a few seconds, most of it importing torch). */
function tinyBert(): Uint8Array {
  if (!exported) {
    const file = path.join(scratch, "tiny-bert.onnx");
    execFileSync(PYTHON, ["-c", TORCH_EXPORT, file], { stdio: ["ignore", "ignore", "pipe"], env: { ...process.env, PYTHONNOUSERSITE: "1" } });
    exported = fs.readFileSync(file);
  }
  return exported;
}

describe("a tiny BERT-shaped encoder exported by torch 1.13", () => {
  let fp32: Uint8Array;
  beforeAll(() => void (fp32 = tinyBert()), 120_000);

  test("the export has what the rewrite must handle: Identity-aliased MatMul weights and Gemms", () => {
    const m = decode(fp32);
    const producers = new Map((m.graph!.node ?? []).flatMap((n) => (n.output ?? []).map((o) => [o, n.opType] as const)));
    const aliased = (m.graph!.node ?? []).filter((n) => n.opType === "MatMul" && producers.get(n.input![1]!) === "Identity");
    expect(aliased.length).toBeGreaterThan(0);
    expect(count(m, "Gemm")).toBe(2);
  });

  test("every constant-weight MatMul and Gemm is rewritten and the logits agree", async () => {
    const { bytes, details } = quantizeDynamicInt8(fp32);
    const m = decode(bytes);
    const inits = new Set(initializerNames(m));
    // Per layer: in_proj MatMul, out_proj Gemm, two feed-forward MatMuls; plus the classifier.
    expect(details).toMatchObject({ quantizedMatMuls: 2 * 4 + 1, skippedMatMuls: 2 * 2 });
    for (const s of details.skipped) expect(s.reason).toMatch(/is computed by a Transpose node, not a constant$/);
    expect((m.graph!.node ?? []).filter((n) => (n.opType === "MatMul" || n.opType === "Gemm") && inits.has(n.input![1]!))).toEqual([]);
    expectUniqueNames(m);

    // 1,000 random sequences of 8 tokens, each run alone as a request would be: activations are
    // quantized per tensor, so in a batch every row shares the widest row's range (and errors).
    const seq = 8;
    const { next } = random(10);
    const ids = () =>
      new ort.Tensor(
        "int64",
        BigInt64Array.from({ length: seq }, () => BigInt(Math.floor(next() * 64))),
        [1, seq],
      );
    const [want, got] = await runEach(
      fp32,
      bytes,
      Array.from({ length: 1000 }, () => ({ input_ids: ids() })),
    );
    const diff = maxAbsDiff(got, want);
    expect(diff).toBeGreaterThan(0);
    expect(diff).toBeLessThanOrEqual(0.05 * maxAbs(want));
    // Each token's 9 logits are a row; random weights make near-ties common, so this is the strict part.
    expect(argmaxAgreement(got, want, 9)).toBeGreaterThanOrEqual(0.99);
  });
});

describe("onnx.checker (Debian's python3-onnx, full shape inference)", () => {
  const CHECK = `
import sys, onnx
for path in sys.argv[1:]:
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    print(path.rsplit("/", 1)[-1], sorted({n.op_type for n in m.graph.node if n.op_type in ("DynamicQuantizeLinear", "MatMulInteger")}))
`;
  test("accepts the quantized models of this file", () => {
    // One Python run for all: its start-up is the slow part.
    const models = new Map([
      ["stack-per-channel", quantizeDynamicInt8(stackModel()).bytes],
      ["stack-per-tensor", quantizeDynamicInt8(stackModel(), { perChannel: false }).bytes],
      ["still-needed", quantizeDynamicInt8(stillNeededModel().fp32).bytes],
      ["tiny-bert", quantizeDynamicInt8(tinyBert()).bytes],
    ]);
    const files = [...models].map(([name, bytes]) => {
      const file = path.join(scratch, `${name}.onnx`);
      fs.writeFileSync(file, bytes);
      return file;
    });
    const out = execFileSync(PYTHON, ["-c", CHECK, ...files], { encoding: "utf8" })
      .trim()
      .split("\n");
    expect(out).toEqual([...models.keys()].map((name) => `${name}.onnx ['DynamicQuantizeLinear', 'MatMulInteger']`));
  });
});
