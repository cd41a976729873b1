/**
 * The serve ConfigMap: the spec's serve settings as the MESH_* variables the server declares
 * (runtimes/serve/config.ts `ENV_VARS`) — and nothing else, because the server refuses to start
 * on an undeclared MESH_* variable. Environment overlays patch only the values that differ.
 */
import type { EnvironmentIR, ProjectIR } from "../../compiler/ir.js";
import { ENV_VARS } from "../../runtimes/serve/config.js";
import { CONTAINER_PORT, DOWNLOAD_MODEL_REF } from "../compose/container.js";
import { baseRegistry, podRegistryUri } from "./registry.js";

type Settings = EnvironmentIR["serve"];

/** The settings an environment can change, as MESH_* name → value. */
function tunables(s: Settings): Record<string, string> {
  return {
    MESH_WORKERS: String(s.workers),
    MESH_BATCH_ENABLED: String(s.batching.enabled),
    MESH_BATCH_MAX: String(s.batching.maxBatch),
    MESH_BATCH_DELAY_MS: String(s.batching.maxDelayMs),
    MESH_QUEUE_ROWS: String(s.batching.queue),
    MESH_BODY_BYTES: String(s.limits.bodyBytes),
    MESH_TIMEOUT_MS: String(s.limits.timeoutMs),
    MESH_MAX_ROWS: String(s.limits.maxRows),
    MESH_INTRA_OP_THREADS: String(s.threads.intraOp),
    MESH_INTER_OP_THREADS: String(s.threads.interOp),
  };
}

const declared = new Set(ENV_VARS.map((d) => d.name));

function checked(data: Record<string, string>): Record<string, string> {
  for (const name of Object.keys(data)) {
    if (!declared.has(name)) throw new Error(`k8s generator: ${name} is not declared by the server (runtimes/serve/config.ts ENV_VARS)`);
  }
  return data;
}

const downloads = (ir: ProjectIR) => ir.serve.image.model === "download";

/** The base ConfigMap data. */
export function serveEnvData(ir: ProjectIR): Record<string, string> {
  return checked({
    MESH_HOST: "0.0.0.0",
    MESH_PORT: String(CONTAINER_PORT),
    MESH_DRAIN_MS: String(ir.serve.drainMs),
    ...tunables(ir.serve),
    // Download mode: the newest compiled (else trained) version of the registry, at start.
    ...(downloads(ir) ? { MESH_REGISTRY: podRegistryUri(baseRegistry(ir)), MESH_MODEL_REF: DOWNLOAD_MODEL_REF } : {}),
  });
}

/** What an environment's ConfigMap changes relative to the base (empty: no patch). */
export function serveEnvDelta(ir: ProjectIR, env: EnvironmentIR): Record<string, string> {
  const base = serveEnvData(ir);
  const next: Record<string, string> = { ...tunables(env.serve) };
  if (downloads(ir)) {
    next.MESH_REGISTRY = podRegistryUri(env.registry);
    // The environment's serve.alias (lowered into modelRef): prod serves what production points at.
    next.MESH_MODEL_REF = env.modelRef;
  }
  return checked(Object.fromEntries(Object.entries(next).filter(([k, v]) => base[k] !== v)));
}
