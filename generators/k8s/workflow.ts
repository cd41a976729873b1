/**
 * The lifecycle on Argo Workflows: one WorkflowTemplate per project, a DAG with one template
 * per step in lineage order (ingest → register → train → compile), each running the same step
 * container as the Jobs (jobs.ts `stepContainer`). Steps hand off through the registry: every
 * step reads the newest version its predecessor registered, so nothing passes between pods
 * but the registry URI.
 *
 * Retries: a step that failed with exit code 1 (transient: network, registry briefly away) or
 * whose pod was lost (phase Error: eviction, node failure) is retried with exponential backoff;
 * a failed gate exits EXIT_GATE_FAILED (runtimes/lifecycle/errors.ts) and a usage error 2 —
 * both would fail the same way again, so they are never retried.
 *
 * Per-run parameters (`argo submit --from workflowtemplate/<name>-lifecycle -p …`): the data
 * version (`source`, the ingest URI), train `params` (JSON over the spec's), the `registry`
 * and the `image-tag` `mesh build` printed. Defaults are the spec's values.
 */
import type { ProjectIR } from "../../compiler/ir.js";
import { EXIT_FAILURE } from "../../runtimes/lifecycle/errors.js";
import { BASE_TAG, NAMES, imageRepo, labels, lifecycleSteps, type LifecycleStep } from "./names.js";
import { JOB_POLICY, JOB_TTL_S } from "./policy.js";
import { baseRegistry, podRegistryUri } from "./registry.js";
import { stepContainer, stepVolumes } from "./jobs.js";
import { podSecurityContext } from "./security.js";
import type { Obj } from "./security.js";

/** The DAG template the workflow starts at. */
export const ENTRYPOINT = "lifecycle";

/** Argo runs a template's container as "main"; other names are not the step's container. */
const MAIN = "main";

export const PARAM = { source: "source", params: "params", registry: "registry", imageTag: "image-tag" } as const;
const param = (name: string) => `{{workflow.parameters.${name}}}`;

/**
 * Retry only what may pass the next time: a lost pod, or the step runtime's transient failure code.
 * `lastRetry.exitCode` is "-1" when the container never ran.
 */
export const RETRY_EXPRESSION = `lastRetry.status == "Error" || (lastRetry.status == "Failed" && asInt(lastRetry.exitCode) == ${EXIT_FAILURE})`;

/** Backoff between attempts: 30 s, 60 s, 120 s …, at most 30 minutes of retrying per step. */
const BACKOFF = { duration: "30s", factor: 2, maxDuration: "30m" };

/** The workflow's parameters with the values an environment gives them (the base: the spec's own). */
export function workflowParameters(ir: ProjectIR, registry: string = baseRegistry(ir), imageTag: string = BASE_TAG): Obj[] {
  const out: Obj[] = [];
  if (ir.ingest) out.push({ name: PARAM.source, value: ir.ingest.uri, description: "the data this run ingests (its data version); default: the spec's steps.ingest.source.uri" });
  if (ir.train) out.push({ name: PARAM.params, value: "{}", description: "train params of this run over the spec's, as JSON in the spec's keys, e.g. {\"epochs\": 20}" });
  out.push({ name: PARAM.registry, value: podRegistryUri(registry), description: "the model registry every step reads from and writes to" });
  out.push({ name: PARAM.imageTag, value: imageTag, description: "tag of the step images (the content hash mesh build printed)" });
  return out;
}

/** The run overrides a step passes to its image's entrypoint (runtimes/lifecycle/step-main.js --step <step>). */
function stepArgs(ir: ProjectIR, step: LifecycleStep): string[] {
  if (step === "ingest" && ir.ingest) return ["--source", param(PARAM.source)];
  if (step === "train" && ir.train) return ["--params", param(PARAM.params)];
  return [];
}

function stepTemplate(ir: ProjectIR, step: LifecycleStep, registry: string): Obj {
  const policy = JOB_POLICY[step];
  const container = stepContainer(ir, step, registry);
  const env = (container.env ?? []).map((e) => (e.name === "MESH_REGISTRY" ? { name: e.name, value: param(PARAM.registry) } : e));
  const args = stepArgs(ir, step);
  return {
    name: step,
    metadata: { labels: labels(ir, step) },
    activeDeadlineSeconds: policy.deadlineS,
    retryStrategy: { limit: policy.backoffLimit, retryPolicy: "Always", expression: RETRY_EXPRESSION, backoff: BACKOFF },
    container: { ...container, name: MAIN, image: `${imageRepo(ir, step)}:${param(PARAM.imageTag)}`, env, ...(args.length > 0 ? { args } : {}) },
    volumes: stepVolumes(ir, step, registry),
  };
}

/**
 * The DAG and one template per step, for a registry of the given kind: a `file://` registry is
 * a PersistentVolumeClaim mounted in every step, an `s3://` one is only its URI.
 */
export function workflowTemplates(ir: ProjectIR, registry: string = baseRegistry(ir)): Obj[] {
  const steps = lifecycleSteps(ir);
  return [
    { name: ENTRYPOINT, dag: { tasks: steps.map((s, i) => ({ name: s, template: s, ...(i > 0 ? { dependencies: [steps[i - 1]] } : {}) })) } },
    ...steps.map((s) => stepTemplate(ir, s, registry)),
  ];
}

export function workflowTemplate(ir: ProjectIR): Obj {
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "WorkflowTemplate",
    metadata: { name: NAMES.lifecycle(ir), labels: labels(ir, "lifecycle") },
    spec: {
      entrypoint: ENTRYPOINT,
      arguments: { parameters: workflowParameters(ir) },
      serviceAccountName: NAMES.jobsAccount(ir),
      automountServiceAccountToken: false,
      executor: { serviceAccountName: NAMES.workflowExecutor(ir) },
      securityContext: podSecurityContext(),
      podGC: { strategy: "OnPodSuccess" },
      ttlStrategy: { secondsAfterCompletion: JOB_TTL_S },
      templates: workflowTemplates(ir),
    },
  };
}

/** The spec's `schedule:` as a CronWorkflow starting the WorkflowTemplate; undefined without one. */
export function cronWorkflow(ir: ProjectIR): Obj | undefined {
  if (!ir.schedule) return undefined;
  return {
    apiVersion: "argoproj.io/v1alpha1",
    kind: "CronWorkflow",
    metadata: { name: NAMES.lifecycle(ir), labels: labels(ir, "lifecycle") },
    spec: {
      schedules: [ir.schedule.cron],
      timezone: ir.schedule.timezone,
      // A run still going when the next is due: skip the new one (both would train the same data).
      concurrencyPolicy: "Forbid",
      startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 3,
      failedJobsHistoryLimit: 3,
      workflowSpec: { workflowTemplateRef: { name: NAMES.lifecycle(ir) } },
    },
  };
}

/** The executor's account: with no token in the step pods, Argo's wait container reports with this one. */
export function executorAccount(ir: ProjectIR): Obj {
  return { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: NAMES.workflowExecutor(ir), labels: labels(ir, "lifecycle") } };
}

/** The least the executor needs (Argo ≥ 3.4): create and patch its WorkflowTaskResults. */
export function executorRole(ir: ProjectIR): Obj {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name: NAMES.workflowExecutor(ir), labels: labels(ir, "lifecycle") },
    rules: [{ apiGroups: ["argoproj.io"], resources: ["workflowtaskresults"], verbs: ["create", "patch"] }],
  };
}

export function executorRoleBinding(ir: ProjectIR): Obj {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: NAMES.workflowExecutor(ir), labels: labels(ir, "lifecycle") },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: NAMES.workflowExecutor(ir) },
    subjects: [{ kind: "ServiceAccount", name: NAMES.workflowExecutor(ir) }],
  };
}
