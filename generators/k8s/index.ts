/**
 * The Kubernetes generator: `out/<name>/k8s/` — plain YAML that `kubectl apply -f` and
 * Kustomize accept. `base/` serves the model, `jobs/` runs the lifecycle steps, `overlays/<env>/`
 * (and `overlays/<env>/jobs/`) adapt both per environment of the spec, `neuron/` is the
 * Inferentia/Trainium serving variant when the project compiles for Neuron.
 */
import type { GeneratedFile, ProjectIR } from "../../compiler/ir.js";
import { stepJobs, jobsServiceAccount } from "./jobs.js";
import { kustomization, overlayFiles } from "./kustomize.js";
import { BASE_DIR, JOBS_DIR, NEURON_DIR, lifecycleSteps } from "./names.js";
import { neuronDeployment, neuronInstance, neuronService } from "./neuron.js";
import { yamlFile } from "./render.js";
import { serveAutoscaler, serveConfigMap, serveDeployment, serveDisruptionBudget, serveService, serveServiceAccount } from "./serve.js";

/** Writes each object to its file and a kustomization listing them, in the given order. */
function folder(ir: ProjectIR, dir: string, objects: readonly (readonly [string, object])[]): GeneratedFile[] {
  const files = objects.map(([file, obj]) => yamlFile(ir, `${dir}/${file}`, obj));
  return [...files, yamlFile(ir, `${dir}/kustomization.yaml`, kustomization(objects.map(([file]) => file)))];
}

export function generateK8s(ir: ProjectIR): GeneratedFile[] {
  const base: [string, object][] = [
    ["serviceaccount.yaml", serveServiceAccount(ir)],
    ["configmap.yaml", serveConfigMap(ir)],
    ["deployment.yaml", serveDeployment(ir)],
    ["service.yaml", serveService(ir)],
    ...(ir.serve.replicas > 0 ? [["hpa.yaml", serveAutoscaler(ir)] as [string, object]] : []),
    ["pdb.yaml", serveDisruptionBudget(ir)],
  ];
  const files = folder(ir, BASE_DIR, base);
  if (lifecycleSteps(ir).length > 0) {
    const jobs: [string, object][] = [["serviceaccount.yaml", jobsServiceAccount(ir)], ...stepJobs(ir).map((j, i) => [`job-${lifecycleSteps(ir)[i]}.yaml`, j] as [string, object])];
    files.push(...folder(ir, JOBS_DIR, jobs));
  }
  files.push(...overlayFiles(ir));
  const instance = neuronInstance(ir);
  if (instance) files.push(...folder(ir, NEURON_DIR, [["deployment.yaml", neuronDeployment(ir, instance)], ["service.yaml", neuronService(ir)]]));
  return files;
}
