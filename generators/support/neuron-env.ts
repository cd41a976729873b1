/**
 * The MESH_* variables the Neuron servers honour, one answer for every generator: api.json
 * declares them to app.py, the k8s Neuron ConfigMap and its overlays carry their values.
 * app.py (runtimes/neuron/python/app.py) reads a subset of the TypeScript server's
 * declarations (runtimes/serve/config.ts `ENV_VARS`) and refuses the rest by name, so a
 * variable outside that subset in its environment would stop the pod. A transformer's Neuron
 * image runs the TypeScript server itself (torch engine), which reads every declared variable.
 */
import type { ProjectIR, ServeEnvIR } from "../../compiler/ir.js";
import type { EnvVarDecl, ServeConfig } from "../../runtimes/serve/config.js";

/** The ServeConfig fields app.py honours; every other declared MESH_* variable it refuses by name. */
export const APP_PY_HONOURED: ReadonlySet<keyof ServeConfig> = new Set<keyof ServeConfig>([
  "host",
  "port",
  "batchEnabled",
  "batchMax",
  "batchDelayMs",
  "queueRows",
  "bodyBytes",
  "timeoutMs",
  "maxRows",
  "drainMs",
  "modelAlias",
]);

/** Whether app.py reads a declared variable (or a lowered one: its `key` is the declaration's). */
export const honouredByAppPy = (d: Pick<EnvVarDecl, "key"> | ServeEnvIR): boolean => (APP_PY_HONOURED as ReadonlySet<string>).has(d.key);

/** The lowered MESH_* list (ir.serve.env or an environment's) as the project's Neuron server reads it. */
export function neuronServeEnv(ir: ProjectIR, list: readonly ServeEnvIR[]): ServeEnvIR[] {
  return ir.model.kind === "transformer" ? [...list] : list.filter(honouredByAppPy);
}
