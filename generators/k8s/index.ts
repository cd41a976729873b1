/**
 * The Kubernetes generator: `out/<name>/k8s/` — plain YAML that `kubectl apply -f` and
 * Kustomize accept. `base/` serves the model (a canary Rollout and a KEDA ScaledObject when the
 * spec asks), `monitoring/` scrapes and alerts on it (prometheus-operator), `lifecycle/` runs
 * the lifecycle as an Argo WorkflowTemplate (and CronWorkflow), `jobs/` as plain Jobs;
 * `overlays/<env>/` (and its `jobs/`, `lifecycle/`) adapt them per environment of the spec,
 * `neuron/` is the Inferentia/Trainium serving variant when the project compiles for Neuron,
 * with its own `overlays/<env>/neuron/`.
 */
import type { GeneratedFile, ProjectIR } from "../../compiler/ir.js";
import { stepJobs, jobsServiceAccount } from "./jobs.js";
import { kustomization, overlayFiles } from "./kustomize.js";
import { BASE_DIR, JOBS_DIR, LIFECYCLE_DIR, MONITORING_DIR, NEURON_DIR, lifecycleSteps } from "./names.js";
import { scaledObject, usesKeda } from "./keda.js";
import { prometheusRule, serviceMonitor } from "./monitoring.js";
import { analysisTemplate, isCanary, serveRollout } from "./rollout.js";
import { cronWorkflow, executorAccount, executorRole, executorRoleBinding, workflowTemplate } from "./workflow.js";
import { neuronDeployment, neuronInstance, neuronService } from "./neuron.js";
import { neuronConfigMap } from "./neuron-env.js";
import { neuronOverlayFiles } from "./neuron-overlays.js";
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
    ...(isCanary(ir) ? [["rollout.yaml", serveRollout(ir)] as [string, object], ["analysistemplate.yaml", analysisTemplate(ir)] as [string, object]] : []),
    ["service.yaml", serveService(ir)],
    ...(ir.serve.replicas > 0 ? [usesKeda(ir) ? (["scaledobject.yaml", scaledObject(ir)] as [string, object]) : (["hpa.yaml", serveAutoscaler(ir)] as [string, object])] : []),
    ["pdb.yaml", serveDisruptionBudget(ir)],
  ];
  const files = folder(ir, BASE_DIR, base);
  files.push(
    ...folder(ir, MONITORING_DIR, [
      ["servicemonitor.yaml", serviceMonitor(ir)],
      ["prometheusrule.yaml", prometheusRule(ir)],
    ]),
  );
  if (lifecycleSteps(ir).length > 0) {
    const jobs: [string, object][] = [["serviceaccount.yaml", jobsServiceAccount(ir)], ...stepJobs(ir).map((j, i) => [`job-${lifecycleSteps(ir)[i]}.yaml`, j] as [string, object])];
    files.push(...folder(ir, JOBS_DIR, jobs));
    const cron = cronWorkflow(ir);
    const lifecycle: [string, object][] = [
      ["serviceaccount.yaml", jobsServiceAccount(ir)],
      ["executor-serviceaccount.yaml", executorAccount(ir)],
      ["executor-role.yaml", executorRole(ir)],
      ["executor-rolebinding.yaml", executorRoleBinding(ir)],
      ["workflowtemplate.yaml", workflowTemplate(ir)],
      ...(cron ? [["cronworkflow.yaml", cron] as [string, object]] : []),
    ];
    files.push(...folder(ir, LIFECYCLE_DIR, lifecycle));
  }
  files.push(...overlayFiles(ir));
  const instance = neuronInstance(ir);
  if (instance)
    files.push(
      ...folder(ir, NEURON_DIR, [
        ["configmap.yaml", neuronConfigMap(ir)],
        ["deployment.yaml", neuronDeployment(ir, instance)],
        ["service.yaml", neuronService(ir)],
      ]),
      ...neuronOverlayFiles(ir),
    );
  return files;
}
