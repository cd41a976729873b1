/**
 * Tiny deterministic ONNX models for tests and benches, written with onnx-proto (IR 8,
 * opset 17): a dense stack `MatMul + Add` per layer, `Relu` between layers, `Softmax` at the
 * end. `[4096, 2]` is the spam-like linear model, `[256, 512, 512, 8]` the MLP of the perf
 * baselines. Weights come from mulberry32(seed), so the same call always gives the same bytes,
 * and `denseForward` is a pure-JS reference to check what onnxruntime computes.
 */
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;

export interface DenseModelOptions {
  /** Layer widths: input width first, number of classes last (at least two entries). */
  readonly sizes: readonly number[];
  readonly inputName?: string;
  readonly outputName?: string;
  readonly seed?: number;
  /** Scale of the uniform weights in [-scale, scale). */
  readonly scale?: number;
}

export interface DenseWeights {
  /** Per layer: `w` is [in × out] row-major, `b` is [out]. */
  readonly layers: readonly { readonly w: Float32Array; readonly b: Float32Array; readonly in: number; readonly out: number }[];
}

/** mulberry32: a small, fast, well-mixed 32-bit PRNG; enough for reproducible weights. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function denseWeights(opts: DenseModelOptions): DenseWeights {
  const rand = mulberry32(opts.seed ?? 20240601);
  const scale = opts.scale ?? 0.5;
  const layers = [];
  for (let l = 0; l + 1 < opts.sizes.length; l++) {
    const inW = opts.sizes[l]!;
    const outW = opts.sizes[l + 1]!;
    const w = new Float32Array(inW * outW).map(() => (rand() * 2 - 1) * scale);
    const b = new Float32Array(outW).map(() => (rand() * 2 - 1) * scale);
    layers.push({ w, b, in: inW, out: outW });
  }
  return { layers };
}

const FLOAT = onnx.TensorProto.DataType.FLOAT;

function tensor(name: string, dims: number[], data: Float32Array) {
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) };
}

function valueInfo(name: string, width: number) {
  return {
    name,
    type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: "N" }, { dimValue: width }] } } },
  };
}

/** Serialized ONNX model bytes for the dense stack described by `opts`. */
export function buildDenseModel(opts: DenseModelOptions): Uint8Array {
  if (opts.sizes.length < 2) throw new Error("a dense model needs at least an input and an output width");
  const inputName = opts.inputName ?? "features";
  const outputName = opts.outputName ?? "probabilities";
  const { layers } = denseWeights(opts);
  const nodes: onnxProto.onnx.INodeProto[] = [];
  const initializer: onnxProto.onnx.ITensorProto[] = [];
  let current = inputName;
  layers.forEach((layer, l) => {
    initializer.push(tensor(`W${l}`, [layer.in, layer.out], layer.w), tensor(`B${l}`, [layer.out], layer.b));
    nodes.push({ opType: "MatMul", input: [current, `W${l}`], output: [`mm${l}`], name: `matmul${l}` });
    nodes.push({ opType: "Add", input: [`mm${l}`, `B${l}`], output: [`z${l}`], name: `add${l}` });
    current = `z${l}`;
    if (l + 1 < layers.length) {
      nodes.push({ opType: "Relu", input: [current], output: [`h${l}`], name: `relu${l}` });
      current = `h${l}`;
    }
  });
  nodes.push({
    opType: "Softmax",
    input: [current],
    output: [outputName],
    name: "softmax",
    attribute: [{ name: "axis", type: onnx.AttributeProto.AttributeType.INT, i: -1 }],
  });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "mesh-test",
    opsetImport: [{ domain: "", version: 17 }],
    graph: {
      name: "dense",
      node: nodes,
      initializer,
      input: [valueInfo(inputName, opts.sizes[0]!)],
      output: [valueInfo(outputName, opts.sizes[opts.sizes.length - 1]!)],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** Pure-JS forward pass of the same model for one row (float64 accumulation). */
export function denseForward(weights: DenseWeights, row: ArrayLike<number>): number[] {
  let x = Array.from(row);
  weights.layers.forEach((layer, l) => {
    const y = new Array<number>(layer.out).fill(0);
    for (let j = 0; j < layer.out; j++) {
      let s = layer.b[j]!;
      for (let i = 0; i < layer.in; i++) s += x[i]! * layer.w[i * layer.out + j]!;
      y[j] = l + 1 < weights.layers.length ? Math.max(0, s) : s;
    }
    x = y;
  });
  const m = Math.max(...x);
  const e = x.map((v) => Math.exp(v - m));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}
