/**
 * The graph rewrite. Each candidate `Y = MatMul(A, W)` becomes
 *
 *     A_q, A_scale, A_zp = DynamicQuantizeLinear(A)          uint8, per tensor, once per A
 *     Y_int32 = MatMulInteger(A_q, W_q, A_zp, W_zp)          W_q symmetric int8 [K, N] stored
 *                                                            as uint8 + 128, W_zp = 128 (tensors.ts)
 *     Y = Mul(Cast<float>(Y_int32), Mul(A_scale, W_scale))   W_scale [N] or scalar
 *
 * and a Gemm adds `+ beta·C` with an Add (alpha is folded into W_scale). This is the shape
 * onnxruntime's quantize_dynamic writes and the one its MatMulIntegerToFloat fusion matches
 * (the scale product must be its own Mul with A_scale first, read only by this node). The
 * new nodes take the original node's place, so the node list stays topologically sorted,
 * and the last one writes the original output name, so nothing downstream changes.
 * A weight shared by several nodes is quantized once; so is an activation read by several.
 */
import onnxProto from "onnx-proto";
import { matchNode, type Candidate } from "./candidates.js";
import { GraphIndex, type Graph, type Node, type Tensor } from "./graph-index.js";
import { MIN_DEFAULT_OPSET } from "./opset.js";
import { OnnxModelError } from "./parse.js";
import { DataType, floatTensor, offsetUint8Tensor, readFloat32 } from "./tensors.js";
import { quantizeWeight } from "./weights.js";

const { onnx } = onnxProto;

export interface RewriteOptions {
  readonly perChannel: boolean;
  readonly minElements: number;
  /** The model's default-domain opset; the rewrite refuses to add nodes below MIN_DEFAULT_OPSET. */
  readonly defaultOpset: number | undefined;
}

export interface SkippedNode {
  readonly node: string;
  readonly opType: string;
  readonly reason: string;
}

export interface RewriteResult {
  readonly quantized: number;
  readonly skipped: readonly SkippedNode[];
  /** Distinct int8 weight tensors written. */
  readonly quantizedWeights: number;
  /** Values the rewritten nodes no longer read: the pruning pass drops those left unused. */
  readonly touched: ReadonlySet<string>;
}

interface TensorTriple {
  readonly values: string;
  readonly scale: string;
  readonly zeroPoint: string;
}

/** A quantized weight's initializers; its scale is written per alpha, when a node needs it. */
interface WeightEntry {
  readonly base: string;
  readonly values: string;
  readonly zeroPoint: string;
  readonly scale: Float32Array;
  readonly scaleDims: readonly number[];
}

const label = (node: Node, i: number) => node.name || node.output?.[0] || `#${i}`;

export function rewriteGraph(graph: Graph, options: RewriteOptions): RewriteResult {
  const index = new GraphIndex(graph);
  const nodes = graph.node ?? [];
  const matches = nodes.map((n) => matchNode(n, index, options.minElements));
  const opset = options.defaultOpset;
  if (opset !== undefined && opset < MIN_DEFAULT_OPSET && matches.some((m) => m && "candidate" in m)) {
    throw new OnnxModelError(
      `the model imports default-domain opset ${opset}; the int8 rewrite needs ≥ ${MIN_DEFAULT_OPSET} (DynamicQuantizeLinear) and does not convert opsets. Re-export the model with opset ≥ ${MIN_DEFAULT_OPSET}`,
    );
  }

  const added: Tensor[] = [];
  const weights = new Map<string, WeightEntry | string>();
  const scales = new Map<string, string>();
  const activations = new Map<string, TensorTriple>();
  const out: Node[] = [];
  const skipped: SkippedNode[] = [];
  const touched = new Set<string>();
  let quantized = 0;

  const weightFor = (c: Candidate): WeightEntry | string => {
    const key = `${c.weightName}\u0000${c.transposed}`;
    let entry = weights.get(key);
    if (entry === undefined) {
      entry = quantizeInitializer(c, index, options.perChannel, added);
      weights.set(key, entry);
    }
    return entry;
  };

  // Gemm's alpha scales the product: it is folded into the weight's scale, one tensor per (weight, alpha).
  const scaleFor = (c: Candidate, w: WeightEntry): string => {
    const key = `${w.values}\u0000${c.alpha}`;
    let name = scales.get(key);
    if (!name) {
      name = index.fresh(c.alpha === 1 ? `${w.base}_scale` : `${w.base}_scale_alpha`);
      added.push(floatTensor(name, w.scaleDims, c.alpha === 1 ? w.scale : w.scale.map((s) => s * c.alpha)));
      scales.set(key, name);
    }
    return name;
  };

  const activationFor = (input: string): TensorTriple => {
    let a = activations.get(input);
    if (!a) {
      a = { values: index.fresh(`${input}_quantized`), scale: index.fresh(`${input}_scale`), zeroPoint: index.fresh(`${input}_zero_point`) };
      out.push({ name: index.fresh(`${input}_DynamicQuantizeLinear`), opType: "DynamicQuantizeLinear", input: [input], output: [a.values, a.scale, a.zeroPoint] });
      activations.set(input, a);
    }
    return a;
  };

  nodes.forEach((node, i) => {
    const m = matches[i];
    if (m === undefined) return void out.push(node);
    if ("skip" in m) {
      skipped.push({ node: label(node, i), opType: node.opType ?? "", reason: m.skip });
      return void out.push(node);
    }
    const c = m.candidate;
    const w = weightFor(c);
    if (typeof w === "string") {
      skipped.push({ node: label(node, i), opType: c.opType, reason: w });
      return void out.push(node);
    }
    const a = activationFor(c.input); // pushes A's DynamicQuantizeLinear first if A is new
    out.push(...quantizedNodes(c, a, w, scaleFor(c, w), label(node, i), index, added));
    c.touched.forEach((t) => touched.add(t));
    quantized++;
  });

  graph.node = out;
  graph.initializer = [...(graph.initializer ?? []), ...added];
  const quantizedWeights = [...weights.values()].filter((w) => typeof w !== "string").length;
  return { quantized, skipped, quantizedWeights, touched };
}

/** Quantizes `c`'s weight into new initializers (appended to `added`), or says why it cannot. */
function quantizeInitializer(c: Candidate, index: GraphIndex, perChannel: boolean, added: Tensor[]): WeightEntry | string {
  const [d0, d1] = c.dims;
  const values = readFloat32(c.weight, d0 * d1);
  if (typeof values === "string") return `its weight "${c.weightName}": ${values}`;
  const q = quantizeWeight(values, { dims: c.dims, transposed: c.transposed, perChannel });
  if (typeof q === "string") return `its weight "${c.weightName}": ${q}`;
  const base = c.transposed ? `${c.weightName}_transposed` : c.weightName;
  const scaleDims = perChannel ? [q.n] : [];
  const entry: WeightEntry = { base, values: index.fresh(`${base}_quantized`), zeroPoint: index.fresh(`${base}_zero_point`), scale: q.scale, scaleDims };
  const zeroPoints = new Int8Array(perChannel ? q.n : 1); // 0 in int8 terms, 128 once offset
  added.push(offsetUint8Tensor(entry.values, [q.k, q.n], q.values), offsetUint8Tensor(entry.zeroPoint, scaleDims, zeroPoints));
  return entry;
}

function quantizedNodes(c: Candidate, a: TensorTriple, w: WeightEntry, weightScale: string, name: string, index: GraphIndex, added: Tensor[]): Node[] {
  const y = c.node.output![0]!;
  const int32 = index.fresh(`${y}_int32`);
  const float = index.fresh(`${y}_int32_float`);
  const scale = index.fresh(`${y}_scale`);
  const product = c.bias ? index.fresh(`${y}_without_bias`) : y;
  const nodes: Node[] = [
    { name: index.fresh(`${name}_MatMulInteger`), opType: "MatMulInteger", input: [a.values, w.values, a.zeroPoint, w.zeroPoint], output: [int32] },
    { name: index.fresh(`${name}_Cast`), opType: "Cast", input: [int32], output: [float], attribute: [{ name: "to", type: onnx.AttributeProto.AttributeType.INT, i: DataType.FLOAT }] },
    { name: index.fresh(`${name}_scales_Mul`), opType: "Mul", input: [a.scale, weightScale], output: [scale] },
    { name: index.fresh(`${name}_Mul`), opType: "Mul", input: [float, scale], output: [product] },
  ];
  if (c.bias) {
    let bias = c.bias;
    if (c.beta !== 1) {
      const beta = index.fresh(`${name}_beta`);
      added.push(floatTensor(beta, [], Float32Array.of(c.beta)));
      bias = index.fresh(`${y}_bias_scaled`);
      nodes.push({ name: index.fresh(`${name}_beta_Mul`), opType: "Mul", input: [c.bias, beta], output: [bias] });
    }
    nodes.push({ name: index.fresh(`${name}_bias_Add`), opType: "Add", input: [product, bias], output: [y] });
  }
  return nodes;
}
