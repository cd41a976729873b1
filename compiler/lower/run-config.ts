/**
 * IR → the lifecycle runtime's RunConfig, computed once: `mesh run` on the host runs it, and
 * each step image carries it as step.json. The runtime owns the contract types.
 */
import type { LifecycleConfig } from "../../runtimes/lifecycle/config.js";
import { RUN_CONFIG_VERSION, type RunConfig } from "../../runtimes/lifecycle/run-config.js";
import type { LifecycleProjectIR } from "../ir.js";

export function lowerRunConfig(ir: Omit<LifecycleProjectIR, "run">, allowPaths: readonly string[]): RunConfig {
  const { features, transformer } = ir.model;
  const lifecycle: LifecycleConfig = {
    project: ir.name,
    key: ir.key,
    specHash: ir.specHash,
    toolVersion: ir.meshVersion,
    projectDir: ir.specPath.split("/").slice(0, -1).join("/") || ".",
    model: { labels: ir.model.labels, target: ir.model.target, ...(features ? { features } : {}), ...(transformer ? { transformer } : {}) },
    // mesh.yaml ingest.allow_paths: folders outside the workspace a file:// source may read.
    ...(ir.ingest ? { ingest: allowPaths.length > 0 ? { ...ir.ingest, allowPaths: [...allowPaths] } : ir.ingest } : {}),
    ...(ir.register ? { register: { ...ir.register, target: ir.model.target } } : {}),
    // Compile validates on `validate.samples` golden rows, so train stores at least that many.
    ...(ir.train ? { train: { ...ir.train, goldenSamples: Math.max(ir.train.goldenSamples, ir.compile?.validate.samples ?? 0) } } : {}),
    ...(ir.compile ? { compile: ir.compile } : {}),
  };
  return { version: RUN_CONFIG_VERSION, registry: ir.registry, aws: ir.aws, lifecycle };
}
