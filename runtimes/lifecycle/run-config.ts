/**
 * What a lifecycle run needs besides the step configs, as data: the default registry and the
 * workspace's S3 settings. `mesh run` (host) builds it from the IR; a step image carries it as
 * `step.json` (generated into out/<name>/<step>/), so the container never sees the spec.
 */
import type { WorkspaceAws } from "../registry/uri.js";
import { LIFECYCLE_STEPS, type LifecycleConfig, type LifecycleStep } from "./config.js";

export const RUN_CONFIG_VERSION = 1;

export interface RunConfig {
  readonly version: typeof RUN_CONFIG_VERSION;
  /** Registry URI used when neither a flag nor MESH_REGISTRY names one. */
  readonly registry: string;
  readonly aws: WorkspaceAws;
  readonly lifecycle: LifecycleConfig;
  /** Step images: the one step the image runs. */
  readonly step?: LifecycleStep;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** Parses a step.json, refusing what mesh could not have written (one sentence naming the file). */
export function parseRunConfig(text: string, file: string): RunConfig {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`${file} is not JSON: ${(err as Error).message}`);
  }
  const bad = (what: string) => new Error(`${file}: ${what} (regenerate it with mesh generate)`);
  if (!isObject(value)) throw bad("not an object");
  if (value.version !== RUN_CONFIG_VERSION) throw bad(`version ${JSON.stringify(value.version)}, this runtime reads version ${RUN_CONFIG_VERSION}`);
  if (typeof value.registry !== "string") throw bad("registry is not a string");
  if (!isObject(value.aws)) throw bad("aws is not an object");
  const lifecycle = value.lifecycle;
  if (!isObject(lifecycle) || typeof lifecycle.project !== "string" || typeof lifecycle.key !== "string" || typeof lifecycle.specHash !== "string" || !isObject(lifecycle.model)) {
    throw bad("lifecycle is not a project's lifecycle config");
  }
  if (value.step !== undefined && !LIFECYCLE_STEPS.includes(value.step as LifecycleStep)) throw bad(`unknown step ${JSON.stringify(value.step)}`);
  const step = value.step as LifecycleStep | undefined;
  if (step && lifecycle[step] === undefined) throw bad(`the project has no ${step} step`);
  return value as unknown as RunConfig;
}
