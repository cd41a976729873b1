/**
 * `k8s/overlays/<env>/neuron/`: the Neuron variant per environment of the spec, over
 * `k8s/neuron/`, as `overlays/<env>/jobs/` is over `k8s/jobs/`. Like the serving overlays it
 * holds only what its environment changes: the server's settings (ConfigMap), replicas,
 * resources and the image tag.
 */
import type { EnvironmentIR, GeneratedFile, ProjectIR } from "../../compiler/ir.js";
import { overlay } from "./kustomize.js";
import { NAMES, overlayNeuronDir } from "./names.js";
import { neuronEnvDelta } from "./neuron-env.js";
import { neuronReplicas, neuronServeRepository } from "./neuron.js";
import type { Obj } from "./security.js";
import { SERVE_CONTAINER } from "./serve.js";

function neuronOverlay(ir: ProjectIR, env: EnvironmentIR): GeneratedFile[] {
  const out = overlay(ir, env, overlayNeuronDir(env.name));
  const delta = neuronEnvDelta(ir, env);
  if (Object.keys(delta).length > 0) out.patch("serve-env-patch.yaml", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: NAMES.neuronServeConfig(ir) }, data: delta });

  const spec: Obj = {};
  const replicas = neuronReplicas(env.serve.replicas);
  if (replicas !== neuronReplicas(ir.serve.replicas)) spec.replicas = replicas;
  const base = ir.serve.resources;
  const { cpu, memory } = env.serve.resources;
  if (cpu !== base.cpu || memory !== base.memory) {
    // Strategic merge: the Neuron device request and limit of the base stay.
    spec.template = { spec: { containers: [{ name: SERVE_CONTAINER, resources: { requests: { cpu, memory }, limits: { memory } } }] } };
  }
  if (Object.keys(spec).length > 0) out.patch("deployment-patch.yaml", { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: NAMES.neuronServe(ir) }, spec });
  return out.finish(["../../../neuron"], [neuronServeRepository(ir)]);
}

export const neuronOverlayFiles = (ir: ProjectIR): GeneratedFile[] => ir.environments.flatMap((env) => neuronOverlay(ir, env));
