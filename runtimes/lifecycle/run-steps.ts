/**
 * Runs a lifecycle from a RunConfig: opens the registry (flag, then MESH_REGISTRY, then the
 * config's default) and hands the steps to runLifecycle. The one entry both `mesh run` on the
 * host and the step images' step-main.js go through.
 */
import { openRegistry } from "../registry/index.js";
import { resolveRegistryUri, s3OptionsFromWorkspace } from "../registry/uri.js";
import type { LifecycleStep, StepOutcome } from "./config.js";
import type { Log } from "./progress.js";
import type { UploadProgress } from "../registry/core.js";
import type { RunConfig } from "./run-config.js";
import { runLifecycle } from "./run-lifecycle.js";

export interface RunStepsOptions {
  /** Absolute workspace root (in images: /app). */
  readonly root: string;
  readonly env: NodeJS.ProcessEnv;
  readonly registryFlag?: string;
  readonly only?: LifecycleStep;
  readonly targetKind?: string;
  readonly force?: boolean;
  readonly report: Log;
  readonly log: Log;
  /** Called once the registry is open, before any step runs (the CLI prints where it runs). */
  readonly onRegistry?: (uri: string) => void;
}

export async function runSteps(config: RunConfig, opts: RunStepsOptions): Promise<StepOutcome[]> {
  const uri = resolveRegistryUri(opts.registryFlag, opts.env, config.registry);
  const s3 = s3OptionsFromWorkspace(config.aws, opts.env);
  const progress = opts.log.progress;
  const registry = openRegistry(uri, {
    cwd: opts.root,
    s3,
    // Uploads show as a bar where progress is displayed; plain logs keep their step lines only.
    ...(progress
      ? {
          onUpload: (u: UploadProgress) =>
            progress({ task: "upload", label: u.version, unit: "bytes", done: u.bytes, total: u.totalBytes, fields: { files: `${u.files}/${u.totalFiles}` }, final: u.files === u.totalFiles }),
        }
      : {}),
  });
  opts.onRegistry?.(registry.uri);
  const only = opts.only ?? config.step;
  return runLifecycle(config.lifecycle, {
    root: opts.root,
    registry,
    report: opts.report,
    log: opts.log,
    s3,
    modelS3: s3,
    ...(only ? { only } : {}),
    ...(opts.targetKind ? { targetKind: opts.targetKind } : {}),
    ...(opts.force ? { force: true } : {}),
  });
}
