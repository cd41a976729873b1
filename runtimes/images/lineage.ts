/**
 * The core images and their lineage (the seed's python-base → fastapi-serve / neuron-*,
 * rebuilt for Node):
 *
 *   <images.base> ─► mesh-base ─┬─► mesh-serve   (onnxruntime-node + the serve runtime)
 *                               └─► mesh-train   (the lifecycle runtimes and step-main.js)
 *   <images.neuronCompile>   ─► mesh-neuron-compile
 *   <images.neuronInference> ─► mesh-neuron-inference
 *
 * Data only; `mesh images build` renders each with generators/dockerfile and builds them in
 * `topologicalOrder`. Neuron images start FROM AWS deep-learning containers that cannot be
 * pulled offline: they are rendered and linted everywhere, built only where their base exists.
 */

export type CoreImageName = "mesh-base" | "mesh-serve" | "mesh-train" | "mesh-neuron-compile" | "mesh-neuron-inference";

/** Which configured base an image starts from when it has no core parent. */
export type ExternalBase = "base" | "neuronCompile" | "neuronInference";

/** What the image adds: `serve` the serve runtime and its dependencies, `lifecycle` the step runtimes (runtimes/lifecycle/step-main.js and what it imports). */
export type CorePayload = "none" | "serve" | "lifecycle" | "python";

export interface CoreImage {
  readonly name: CoreImageName;
  readonly parent: { readonly core: CoreImageName } | { readonly external: ExternalBase };
  readonly payload: CorePayload;
  readonly doc: string;
}

export const CORE_IMAGES: readonly CoreImage[] = [
  { name: "mesh-base", parent: { external: "base" }, payload: "none", doc: "Node runtime, non-root user 10001, /app" },
  { name: "mesh-serve", parent: { core: "mesh-base" }, payload: "serve", doc: "onnxruntime-node (linux/x64) and the mesh serve runtime" },
  { name: "mesh-train", parent: { core: "mesh-base" }, payload: "lifecycle", doc: "the lifecycle runtimes (ingest, register, train, compile) and their step entry point" },
  { name: "mesh-neuron-compile", parent: { external: "neuronCompile" }, payload: "python", doc: "AWS Neuron training DLC: torch-neuronx compile jobs" },
  { name: "mesh-neuron-inference", parent: { external: "neuronInference" }, payload: "python", doc: "AWS Neuron inference DLC: serving Neuron-compiled models" },
];

/** Core images in an order where every parent comes before its children (Kahn's algorithm). */
export function topologicalOrder(images: readonly CoreImage[] = CORE_IMAGES): CoreImage[] {
  const byName = new Map(images.map((i) => [i.name, i]));
  const done = new Set<CoreImageName>();
  const order: CoreImage[] = [];
  let pending = [...images];
  while (pending.length > 0) {
    const ready = pending.filter((i) => !("core" in i.parent) || done.has(i.parent.core));
    if (ready.length === 0) throw new Error(`core image lineage has a cycle or a missing parent: ${pending.map((i) => i.name).join(", ")}`);
    for (const i of ready) {
      if ("core" in i.parent && !byName.has(i.parent.core)) throw new Error(`${i.name}: unknown parent ${i.parent.core}`);
      done.add(i.name);
      order.push(i);
    }
    pending = pending.filter((i) => !done.has(i.name));
  }
  return order;
}

/** The image and all its core ancestors, root first. */
export function ancestry(name: CoreImageName, images: readonly CoreImage[] = CORE_IMAGES): CoreImage[] {
  const chain: CoreImage[] = [];
  let current = images.find((i) => i.name === name);
  while (current) {
    chain.unshift(current);
    const parent = current.parent;
    current = "core" in parent ? images.find((i) => i.name === parent.core) : undefined;
  }
  return chain;
}
