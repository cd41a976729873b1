/**
 * The serve ConfigMap: the spec's serve settings as the MESH_* variables the server declares
 * (runtimes/serve/config.ts `ENV_VARS`) — and nothing else, because the server refuses to start
 * on an undeclared MESH_* variable. Environment overlays patch only the values that differ.
 */
import type { EnvironmentIR, ProjectIR } from "../../compiler/ir.js";
import { ENV_VARS } from "../../runtimes/serve/config.js";
import { DOWNLOAD_MODEL_REF } from "../support/container-run.js";
import { envChanges, envMap } from "../support/serve-env.js";
import { baseRegistry, podRegistryUri } from "./registry.js";

const declared = new Set(ENV_VARS.map((d) => d.name));

function checked(data: Record<string, string>): Record<string, string> {
  for (const name of Object.keys(data)) {
    if (!declared.has(name)) throw new Error(`k8s generator: ${name} is not declared by the server (runtimes/serve/config.ts ENV_VARS)`);
  }
  return data;
}

const downloads = (ir: ProjectIR) => ir.serve.image.model === "download";

/** The base ConfigMap data: every lowered serve setting, and in download mode where the model comes from. */
export function serveEnvData(ir: ProjectIR): Record<string, string> {
  return checked({
    ...envMap(ir.serve.env),
    // Download mode: the newest compiled (else trained) version of the registry, at start.
    ...(downloads(ir) ? { MESH_REGISTRY: podRegistryUri(baseRegistry(ir)), MESH_MODEL_REF: DOWNLOAD_MODEL_REF } : {}),
  });
}

/** What an environment's ConfigMap changes relative to the base (empty: no patch). */
export function serveEnvDelta(ir: ProjectIR, env: EnvironmentIR): Record<string, string> {
  const base = serveEnvData(ir);
  const next: Record<string, string> = { ...envChanges(ir.serve.env, env.serve.env) };
  if (downloads(ir)) {
    next.MESH_REGISTRY = podRegistryUri(env.registry);
    // The environment's serve.alias (lowered into modelRef): prod serves what production points at.
    next.MESH_MODEL_REF = env.modelRef;
  }
  return checked(Object.fromEntries(Object.entries(next).filter(([k, v]) => base[k] !== v)));
}
