/**
 * After the rewrite: drop what only the rewritten nodes read. That is the FP32 weights and the
 * Identity nodes that aliased them (and their value_info), when nothing else reads them: not a
 * node at any depth, not a graph output. Everything else stays, even if it was unused before:
 * the rewrite does not clean up what it did not make dead.
 */
import { countUses, isDefaultDomain, type Graph } from "./graph-index.js";

export function pruneOrphans(graph: Graph, touched: ReadonlySet<string>): void {
  const uses = countUses(graph);
  const outputs = new Set((graph.output ?? []).map((o) => o.name ?? ""));
  const inputs = new Set((graph.input ?? []).map((i) => i.name ?? ""));
  const unused = (name: string) => touched.has(name) && !uses.get(name) && !outputs.has(name);

  // Backwards, so that in a chain Identity(Identity(W)) the later Identity goes first and frees the earlier one.
  const nodes = graph.node ?? [];
  const removed = new Set<string>();
  const keep = new Array<boolean>(nodes.length).fill(true);
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i]!;
    const output = n.output?.[0] ?? "";
    if (n.opType !== "Identity" || !isDefaultDomain(n.domain) || !unused(output)) continue;
    keep[i] = false;
    removed.add(output);
    const input = n.input?.[0];
    if (input) uses.set(input, (uses.get(input) ?? 1) - 1);
  }
  graph.node = nodes.filter((_, i) => keep[i]);
  graph.valueInfo = (graph.valueInfo ?? []).filter((vi) => !removed.has(vi.name ?? ""));
  graph.initializer = (graph.initializer ?? []).filter((t) => !(unused(t.name ?? "") && !inputs.has(t.name ?? "")));
}
