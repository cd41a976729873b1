/**
 * The batch base: one Job per lifecycle step (ingest, register, train, compile), each running
 * its step image (whose entrypoint is `mesh run <name> --only <step>`) against the registry.
 * Jobs are created suspended: Kubernetes has no ordering between Jobs, so the steps are
 * released one after the other (`kubectl patch … suspend=false`, then `kubectl wait`), see the
 * project README.
 */
import type { ProjectIR } from "../../compiler/ir.js";
import { NAMES, imageRef, labels, lifecycleSteps, selector, type LifecycleStep } from "./names.js";
import { JOB_POLICY, JOB_TTL_S, tmpSizeLimit } from "./policy.js";
import { awsEnv, awsSecretEnvFrom, baseRegistry, isFileRegistry, podRegistryUri, registryMount, registryVolume } from "./registry.js";
import type { IJob } from "kubernetes-models/batch/v1/Job";
import type { IResourceRequirements } from "kubernetes-models/v1/ResourceRequirements";
import type { IServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import type { IContainer } from "kubernetes-models/v1/Container";
import type { IVolume } from "kubernetes-models/v1/Volume";
import { containerSecurityContext, podSecurityContext, tmpMount, tmpVolume } from "./security.js";

/** Every Job's container has this name, so one overlay patch (targeting kind Job) fits them all. */
export const STEP_CONTAINER = "step";

/** Resources of a lifecycle pod: training and compiling hold the dataset and model in memory. */
export function stepResources(step: LifecycleStep): IResourceRequirements {
  const heavy = step === "train" || step === "compile";
  const memory = heavy ? "2Gi" : "1Gi";
  return { requests: { cpu: heavy ? "1" : "500m", memory }, limits: { memory } };
}

export function jobsServiceAccount(ir: ProjectIR): IServiceAccount {
  return { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: NAMES.jobsAccount(ir), labels: labels(ir, "lifecycle") }, automountServiceAccountToken: false };
}

/**
 * The container of one lifecycle step, the same in a Job and in the Argo WorkflowTemplate:
 * the step image with its own entrypoint (`mesh run <name> --only <step>`), the registry in
 * MESH_REGISTRY (the hand-off between steps), AWS settings, resources and security.
 */
export function stepContainer(ir: ProjectIR, step: LifecycleStep, registry: string = baseRegistry(ir)): IContainer {
  return {
    name: STEP_CONTAINER,
    image: imageRef(ir, step),
    env: [{ name: "MESH_REGISTRY", value: podRegistryUri(registry) }, ...awsEnv(ir)],
    envFrom: [awsSecretEnvFrom(ir)],
    resources: stepResources(step),
    securityContext: containerSecurityContext(),
    volumeMounts: [tmpMount(), ...(isFileRegistry(registry) ? [registryMount(false)] : [])],
  };
}

/** The volumes the step container mounts. */
export const stepVolumes = (ir: ProjectIR, step: LifecycleStep, registry: string = baseRegistry(ir)): IVolume[] => [
  tmpVolume(tmpSizeLimit(ir, step)),
  ...(isFileRegistry(registry) ? [registryVolume(ir)] : []),
];

export function stepJob(ir: ProjectIR, step: LifecycleStep): IJob {
  const policy = JOB_POLICY[step];
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: { name: NAMES.job(ir, step), labels: labels(ir, step) },
    spec: {
      suspend: true,
      backoffLimit: policy.backoffLimit,
      activeDeadlineSeconds: policy.deadlineS,
      ttlSecondsAfterFinished: JOB_TTL_S,
      template: {
        metadata: { labels: { ...labels(ir, step), ...selector(ir, step) } },
        spec: {
          restartPolicy: "Never",
          serviceAccountName: NAMES.jobsAccount(ir),
          automountServiceAccountToken: false,
          securityContext: podSecurityContext(),
          containers: [stepContainer(ir, step)],
          volumes: stepVolumes(ir, step),
        },
      },
    },
  };
}

/** The Jobs of the project's lifecycle steps, in order. */
export const stepJobs = (ir: ProjectIR): IJob[] => lifecycleSteps(ir).map((s) => stepJob(ir, s));
