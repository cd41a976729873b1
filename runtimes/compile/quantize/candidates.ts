/**
 * Which nodes the rewrite can take: a MatMul, or a Gemm without transA, whose second input is
 * a constant 2-D FP32 weight: an initializer, possibly reached through Identity nodes (torch's
 * exporter writes `Identity(shared_weight)` for every deduplicated parameter). Anything else
 * stays FP32, with the reason recorded.
 */
import { DataType, dimsOf, int64 } from "./tensors.js";
import { isDefaultDomain, type GraphIndex, type Node, type Tensor } from "./graph-index.js";

export interface Candidate {
  readonly node: Node;
  readonly opType: "MatMul" | "Gemm";
  /** The activation (A). */
  readonly input: string;
  /** The initializer holding the weight, after Identity aliases. */
  readonly weightName: string;
  readonly weight: Tensor;
  readonly dims: readonly [number, number];
  /** Gemm transB = 1: the weight is stored [N, K]. */
  readonly transposed: boolean;
  readonly alpha: number;
  readonly beta: number;
  /** Gemm's C (after Identity aliases) when it contributes (beta ≠ 0). */
  readonly bias?: string;
  /** Values the node read before the rewrite (Identity outputs and what they alias): candidates for pruning. */
  readonly touched: readonly string[];
}

export type Match = { readonly candidate: Candidate } | { readonly skip: string };

/** Follows Identity nodes from `name` back to the first value that is not an Identity's output. */
export function resolveAlias(name: string, index: GraphIndex): { readonly name: string; readonly via: readonly string[] } {
  const via: string[] = [];
  let current = name;
  for (let node = index.producers.get(current); node && node.opType === "Identity" && isDefaultDomain(node.domain) && node.input?.[0]; node = index.producers.get(current)) {
    via.push(current);
    current = node.input[0];
    if (via.length > index.producers.size) break; // a cycle: not a valid graph, stop following
  }
  return { name: current, via };
}

const TYPE_NAMES: Readonly<Record<number, string>> = { 2: "UINT8", 3: "INT8", 6: "INT32", 7: "INT64", 10: "FLOAT16", 11: "DOUBLE", 16: "BFLOAT16" };

function attr(node: Node, name: string) {
  return (node.attribute ?? []).find((a) => a.name === name);
}

function describeSource(name: string, index: GraphIndex): string {
  if (index.inputs.has(name)) return `"${name}" is a graph input${index.initializers.has(name) ? " (an initializer callers may override)" : ""}`;
  const producer = index.producers.get(name);
  if (producer) return `"${name}" is computed by a ${producer.opType} node`;
  return `"${name}" is not an initializer`;
}

/** A rewrite candidate, a reason to leave a MatMul / Gemm alone, or undefined for any other node. */
export function matchNode(node: Node, index: GraphIndex, minElements: number): Match | undefined {
  const opType = node.opType;
  if ((opType !== "MatMul" && opType !== "Gemm") || !isDefaultDomain(node.domain)) return undefined;
  const inputs = node.input ?? [];
  if (inputs.length < 2 || !inputs[0] || !inputs[1] || (node.output ?? []).length !== 1) return { skip: "unexpected inputs or outputs" };
  if (opType === "Gemm" && int64(attr(node, "transA")?.i) !== 0) return { skip: "Gemm with transA = 1" };

  const weightRef = resolveAlias(inputs[1], index);
  const weight = index.constant(weightRef.name);
  if (!weight) return { skip: `its weight ${describeSource(weightRef.name, index)}, not a constant` };
  if (weight.dataType !== DataType.FLOAT) return { skip: `its weight "${weightRef.name}" is ${TYPE_NAMES[weight.dataType ?? 0] ?? `type ${weight.dataType}`}, not FLOAT` };
  const dims = dimsOf(weight);
  if (dims.length !== 2) return { skip: `its weight "${weightRef.name}" has rank ${dims.length}, not 2` };
  const elements = dims[0]! * dims[1]!;
  if (elements === 0) return { skip: `its weight "${weightRef.name}" is empty` };
  if (elements < minElements) return { skip: `its weight "${weightRef.name}" has ${elements} elements, fewer than minElements ${minElements}` };

  const touched = [...weightRef.via, weightRef.name];
  const alpha = opType === "Gemm" ? (attr(node, "alpha")?.f ?? 1) : 1;
  const beta = opType === "Gemm" ? (attr(node, "beta")?.f ?? 1) : 1;
  let bias: string | undefined;
  if (opType === "Gemm" && inputs[2]) {
    // With beta = 0 Gemm ignores C, and so does the rewrite; C may then become unused.
    const biasRef = resolveAlias(inputs[2], index);
    touched.push(...biasRef.via, biasRef.name);
    if (beta !== 0) bias = biasRef.name;
  }
  const transposed = opType === "Gemm" && int64(attr(node, "transB")?.i) !== 0;
  return { candidate: { node, opType, input: inputs[0], weightName: weightRef.name, weight, dims: [dims[0]!, dims[1]!], transposed, alpha, beta, ...(bias ? { bias } : {}), touched } };
}
