/** IR variants of the examples for cases the shipped specs do not cover (plain data edits). */
import type { EnvironmentIR, ProjectIR } from "../../../compiler/ir.js";
import { serveEnv } from "../../../compiler/lower/serve-env.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function withServe(ir: ProjectIR, serve: Partial<Mutable<ProjectIR["serve"]>>): ProjectIR {
  return { ...ir, serve: { ...ir.serve, ...serve } };
}

export function withDownload(ir: ProjectIR): ProjectIR {
  return withServe(ir, { image: { ...ir.serve.image, model: "download" } });
}

export function withEnv(ir: ProjectIR, name: EnvironmentIR["name"], change: (e: EnvironmentIR) => EnvironmentIR): ProjectIR {
  const found = ir.environments.some((e) => e.name === name);
  if (!found) throw new Error(`${ir.name} has no ${name} environment`);
  return { ...ir, environments: ir.environments.map((e) => (e.name === name ? change(e) : e)) };
}

/** An environment with changed serve settings, its MESH_* list derived again by lower's mapping (as `lower` would). */
export function envServe(e: EnvironmentIR, serve: Partial<Mutable<EnvironmentIR["serve"]>>): EnvironmentIR {
  const next = { ...e.serve, ...serve };
  const value = (name: string) => e.serve.env.find((v) => v.name === name)?.value;
  const graphOptimization = value("MESH_GRAPH_OPTIMIZATION") as "disabled" | "basic" | "extended" | "all" | undefined;
  const shared = { host: String(value("MESH_HOST")), containerPort: Number(value("MESH_PORT")), drainMs: Number(value("MESH_DRAIN_MS")), ...(graphOptimization ? { graphOptimization } : {}) };
  return { ...e, serve: { ...next, env: serveEnv({ ...shared, ...next }) } };
}

/** The IR with a registry prefix, and the image names lower derives from it. */
export function withPrefix(ir: ProjectIR, prefix: string): ProjectIR {
  return {
    ...ir,
    images: { ...ir.images, prefix, neuron: { compile: `${prefix}/${ir.name}-compile-neuron`, serve: `${prefix}/${ir.name}-serve-neuron` } },
    stepImages: ir.stepImages.map((s) => ({ ...s, image: `${prefix}/${s.repository}` })),
  };
}
