/** IR variants of the examples for cases the shipped specs do not cover (plain data edits). */
import type { EnvironmentIR, ProjectIR } from "../../compiler/ir.js";

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

export const envServe = (e: EnvironmentIR, serve: Partial<Mutable<EnvironmentIR["serve"]>>): EnvironmentIR => ({ ...e, serve: { ...e.serve, ...serve } });
