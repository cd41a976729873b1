/**
 * `mesh build NAME [--step S]`: every step image of a project (or one), in lifecycle order,
 * after checking that the base image is present (it cannot be pulled offline) and picking the
 * model the serve image bakes in.
 */
import type Docker from "dockerode";
import type { ProjectIR, StepName } from "../ir.js";
import { resolveRegistryUri, s3OptionsFromWorkspace } from "../../runtimes/registry/index.js";
import { bakesModel } from "../../generators/support/image-layout.js";
import { buildStep, type StepBuildResult } from "./build-step.js";
import { ensureCoreImage } from "./core-images.js";
import { BuildError } from "./errors.js";
import { pickModel } from "./model-source.js";
import type { ProgressSink } from "./run-build.js";

export interface ProjectBuildOptions {
  readonly root: string;
  readonly ir: ProjectIR;
  readonly step?: string;
  readonly noCache?: boolean;
  readonly push?: boolean;
  readonly registry?: string;
  readonly modelPath?: string;
  readonly maxMb?: number;
  readonly env?: NodeJS.ProcessEnv;
  readonly progress: ProgressSink;
}

/** The steps to build: the one asked for (validated) or all of the project's. */
export function selectSteps(ir: ProjectIR, step: string | undefined): StepName[] {
  const all = ir.stepImages.map((i) => i.step);
  if (step === undefined) return all;
  const found = all.find((s) => s === step);
  if (!found) throw new BuildError(`${ir.name} has no step "${step}" (its steps: ${all.join(", ")})`);
  return [found];
}

export async function buildProject(docker: Docker, opts: ProjectBuildOptions): Promise<StepBuildResult[]> {
  const { ir } = opts;
  const steps = selectSteps(ir, opts.step);
  const model =
    steps.includes("serve") && bakesModel(ir)
      ? await pickModel(ir, {
          root: opts.root,
          registryUri: resolveRegistryUri(opts.registry, opts.env ?? process.env, ir.registry),
          s3: s3OptionsFromWorkspace(ir.aws, opts.env ?? process.env),
          ...(opts.modelPath ? { modelPath: opts.modelPath } : {}),
        })
      : undefined;
  if (model) opts.progress(`serve model: ${model.version}`);
  // Core runtime images first (topological, each skipped when up to date).
  const runtimes = new Map<string, string>();
  for (const image of ir.stepImages.filter((i) => steps.includes(i.step))) {
    if (!runtimes.has(image.runtime)) {
      runtimes.set(image.runtime, await ensureCoreImage(docker, opts.root, { ...ir.images, base: image.base }, ir.meshVersion, image.runtime, opts.progress, opts.noCache ?? false));
    }
  }
  const results: StepBuildResult[] = [];
  for (const step of steps) {
    const runtime = ir.stepImages.find((i) => i.step === step)!.runtime;
    results.push(
      await buildStep(docker, {
        root: opts.root,
        ir,
        step,
        runtimeImage: runtimes.get(runtime)!,
        ...(step === "serve" && model ? { model } : {}),
        noCache: opts.noCache ?? false,
        push: opts.push ?? false,
        ...(opts.maxMb !== undefined ? { maxMb: opts.maxMb } : {}),
        progress: opts.progress,
      }),
    );
  }
  return results;
}
