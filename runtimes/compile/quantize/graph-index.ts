/**
 * What the rewrite needs to know about a graph: its initializers, inputs, outputs, the node
 * producing each value, how often each value is read (subgraphs of If/Loop/Scan included:
 * they may read outer values by name), and every name in use, so new names never collide.
 */
import type onnxProto from "onnx-proto";

export type Graph = onnxProto.onnx.IGraphProto;
export type Node = onnxProto.onnx.INodeProto;
export type Tensor = onnxProto.onnx.ITensorProto;

/** "" and "ai.onnx" both name the default operator set. */
export const isDefaultDomain = (domain: string | null | undefined): boolean => !domain || domain === "ai.onnx";

/** The graphs held in a node's attributes (If branches, Loop and Scan bodies). */
export function subgraphsOf(node: Node): Graph[] {
  return (node.attribute ?? []).flatMap((a) => [...(a.g ? [a.g] : []), ...(a.graphs ?? [])]);
}

/** Every graph nested below `graph`'s nodes, at any depth (not `graph` itself). */
export function nestedGraphs(graph: Graph): Graph[] {
  return (graph.node ?? []).flatMap(subgraphsOf).flatMap((g) => [g, ...nestedGraphs(g)]);
}

/**
 * Reads of each value name: node inputs and graph outputs, in `graph` and in every nested
 * graph. Counting a nested graph's own names too only over-counts, which keeps values alive.
 */
export function countUses(graph: Graph): Map<string, number> {
  const uses = new Map<string, number>();
  const add = (name: string | null | undefined) => {
    if (name) uses.set(name, (uses.get(name) ?? 0) + 1);
  };
  for (const g of [graph, ...nestedGraphs(graph)]) {
    for (const node of g.node ?? []) (node.input ?? []).forEach(add);
    for (const out of g.output ?? []) add(out.name);
  }
  return uses;
}

function namesIn(g: Graph): string[] {
  const names: string[] = [];
  for (const vi of [...(g.input ?? []), ...(g.output ?? []), ...(g.valueInfo ?? [])]) names.push(vi.name ?? "");
  for (const t of g.initializer ?? []) names.push(t.name ?? "");
  for (const s of g.sparseInitializer ?? []) names.push(s.values?.name ?? "", s.indices?.name ?? "");
  for (const n of g.node ?? []) names.push(n.name ?? "", ...(n.input ?? []), ...(n.output ?? []));
  return names.filter((n) => n !== "");
}

export class GraphIndex {
  readonly initializers = new Map<string, Tensor>();
  readonly inputs: ReadonlySet<string>;
  readonly outputs: ReadonlySet<string>;
  readonly producers = new Map<string, Node>();
  private readonly names: Set<string>;

  constructor(readonly graph: Graph) {
    for (const t of graph.initializer ?? []) this.initializers.set(t.name ?? "", t);
    this.inputs = new Set((graph.input ?? []).map((vi) => vi.name ?? ""));
    this.outputs = new Set((graph.output ?? []).map((vi) => vi.name ?? ""));
    for (const n of graph.node ?? []) for (const o of n.output ?? []) if (o) this.producers.set(o, n);
    this.names = new Set([graph, ...nestedGraphs(graph)].flatMap(namesIn));
  }

  /** An initializer callers cannot override: IR ≥ 4 lets a graph input share a name with one, as its default. */
  constant(name: string): Tensor | undefined {
    return this.inputs.has(name) ? undefined : this.initializers.get(name);
  }

  /**
   * `base` if unused anywhere in the model's graphs, else `base_1`, `base_2`, …; the name is
   * then reserved. Deterministic: the same graph and the same calls give the same names.
   */
  fresh(base: string): string {
    let name = base;
    for (let i = 1; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }
}
