/**
 * The Neuron server's ConfigMap: the spec's serve settings as exactly the MESH_* variables the
 * server in the Neuron image honours (generators/support/neuron-env.ts) — app.py refuses to
 * start on any other MESH_* variable. Environment overlays patch only the values that differ.
 */
import type { EnvironmentIR, ProjectIR } from "../../compiler/ir.js";
import type { IConfigMap } from "kubernetes-models/v1/ConfigMap";
import { neuronServeEnv } from "../support/neuron-env.js";
import { envChanges, envMap } from "../support/serve-env.js";
import { NAMES, labels } from "./names.js";

export const neuronEnvData = (ir: ProjectIR): Record<string, string> => envMap(neuronServeEnv(ir, ir.serve.env));

/** What an environment changes in the Neuron server's settings (empty: no patch). */
export const neuronEnvDelta = (ir: ProjectIR, env: EnvironmentIR): Record<string, string> => envChanges(neuronServeEnv(ir, ir.serve.env), neuronServeEnv(ir, env.serve.env));

export function neuronConfigMap(ir: ProjectIR): IConfigMap {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name: NAMES.neuronServeConfig(ir), labels: labels(ir, "serve-neuron") }, data: neuronEnvData(ir) };
}
