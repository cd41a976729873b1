/**
 * The IR → `MESH_*` mapping, computed once: which spec setting each server variable carries.
 * The variables themselves (name, type, default, doc) are declared by the server that reads
 * them (runtimes/serve/config.ts `ENV_VARS`); a variable listed here that the server does not
 * declare, or a value it would refuse, is a bug in mesh and stops lowering.
 *
 * To carry a new setting: declare the variable in ENV_VARS, add one row to SETTINGS.
 */
import { checkEnvValue, envVar } from "../../runtimes/serve/config.js";
import type { ServeEnvIR, ServeIR } from "../ir.js";

/** What an environment can set, plus the project-wide values every environment shares. */
export type ServeEnvSettings = Pick<ServeIR, "host" | "containerPort" | "workers" | "threads" | "batching" | "limits" | "drainMs"> & {
  readonly graphOptimization?: "disabled" | "basic" | "extended" | "all";
};

type Row = readonly [name: string, value: (s: ServeEnvSettings) => string | number | boolean | undefined];

/** In the server's declaration order; absent values (undefined) are left to the library default. */
const SETTINGS: readonly Row[] = [
  ["MESH_HOST", (s) => s.host],
  ["MESH_PORT", (s) => s.containerPort],
  ["MESH_WORKERS", (s) => s.workers],
  ["MESH_BATCH_ENABLED", (s) => s.batching.enabled],
  ["MESH_BATCH_MAX", (s) => s.batching.maxBatch],
  ["MESH_BATCH_DELAY_MS", (s) => s.batching.maxDelayMs],
  ["MESH_QUEUE_ROWS", (s) => s.batching.queue],
  ["MESH_BODY_BYTES", (s) => s.limits.bodyBytes],
  ["MESH_TIMEOUT_MS", (s) => s.limits.timeoutMs],
  ["MESH_MAX_ROWS", (s) => s.limits.maxRows],
  ["MESH_DRAIN_MS", (s) => s.drainMs],
  ["MESH_INTRA_OP_THREADS", (s) => s.threads.intraOp],
  ["MESH_INTER_OP_THREADS", (s) => s.threads.interOp],
  ["MESH_GRAPH_OPTIMIZATION", (s) => s.graphOptimization],
];

export function serveEnv(settings: ServeEnvSettings): ServeEnvIR[] {
  const out: ServeEnvIR[] = [];
  for (const [name, pick] of SETTINGS) {
    const value = pick(settings);
    if (value === undefined) continue;
    const decl = envVar(name);
    if (!decl) throw new Error(`lower: ${name} is not declared by the server (runtimes/serve/config.ts ENV_VARS)`);
    const error = checkEnvValue(decl, value);
    if (error) throw new Error(`lower: ${name} = ${JSON.stringify(value)} would be refused by the server: ${error}`);
    out.push({ name, key: decl.key, value });
  }
  return out;
}
