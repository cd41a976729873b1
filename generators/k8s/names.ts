/**
 * Names shared by every Kubernetes object mesh generates for a project: object names, labels,
 * image references (the same repositories `mesh build` tags) and the file layout under
 * `out/<name>/k8s/`. One place, so the objects, the kustomizations and the tests agree.
 */
import type { ProjectIR, StepName } from "../../compiler/ir.js";
import { stepRepository } from "../support/container-run.js";

/** Where the base, the batch base and the overlays live, relative to `out/<name>/`. */
export const K8S_DIR = "k8s";
export const BASE_DIR = `${K8S_DIR}/base`;
export const JOBS_DIR = `${K8S_DIR}/jobs`;
export const NEURON_DIR = `${K8S_DIR}/neuron`;
/** The lifecycle as an Argo WorkflowTemplate (and CronWorkflow), beside the Jobs. */
export const LIFECYCLE_DIR = `${K8S_DIR}/lifecycle`;
/** ServiceMonitor and PrometheusRule (prometheus-operator) of the served project. */
export const MONITORING_DIR = `${K8S_DIR}/monitoring`;
export const overlayLifecycleDir = (env: string) => `${K8S_DIR}/overlays/${env}/lifecycle`;
export const overlayDir = (env: string) => `${K8S_DIR}/overlays/${env}`;
export const overlayJobsDir = (env: string) => `${overlayDir(env)}/jobs`;
/** The Neuron variant per environment, over `k8s/neuron/` (beside the Jobs' overlay: Kustomize refuses an overlay inside its base). */
export const overlayNeuronDir = (env: string) => `${overlayDir(env)}/neuron`;

/**
 * The tag the base manifests name: `mesh build` tags every image `:<content hash>` and `:latest`.
 * The content hash depends on the staged build context (compiled code, dependencies, the model),
 * which generate cannot know, so the base names `:latest` and each overlay's `images:` entry
 * pins the environment's `image_tag` (see the README: set it to the hash `mesh build` printed).
 */
export const BASE_TAG = "latest";

export type LifecycleStep = Exclude<StepName, "serve">;

/** Recommended labels (app.kubernetes.io/*) of one component. */
export function labels(ir: ProjectIR, component: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": ir.name,
    "app.kubernetes.io/component": component,
    "app.kubernetes.io/part-of": "mesh",
    "app.kubernetes.io/managed-by": "mesh",
  };
}

/** The subset of labels a selector uses: it must never change, so it excludes versions. */
export function selector(ir: ProjectIR, component: string): Record<string, string> {
  return { "app.kubernetes.io/name": ir.name, "app.kubernetes.io/component": component };
}

export const NAMES = {
  serve: (ir: ProjectIR) => `${ir.name}-serve`,
  serveConfig: (ir: ProjectIR) => `${ir.name}-serve-env`,
  serveAccount: (ir: ProjectIR) => `${ir.name}-serve`,
  jobsAccount: (ir: ProjectIR) => `${ir.name}-jobs`,
  job: (ir: ProjectIR, step: string) => `${ir.name}-${step}`,
  /** The Secret holding AWS credentials; created by the operator, never by mesh. */
  awsSecret: (ir: ProjectIR) => `${ir.name}-aws`,
  /** A PersistentVolumeClaim holding a file registry; created by the operator. */
  registryClaim: (ir: ProjectIR) => `${ir.name}-registry`,
  neuronServe: (ir: ProjectIR) => `${ir.name}-serve-neuron`,
  neuronServeConfig: (ir: ProjectIR) => `${ir.name}-serve-neuron-env`,
  lifecycle: (ir: ProjectIR) => `${ir.name}-lifecycle`,
  /** Argo's executor (the wait container) reports step results with this account's token. */
  workflowExecutor: (ir: ProjectIR) => `${ir.name}-workflow-executor`,
  analysis: (ir: ProjectIR) => `${ir.name}-serve-slo`,
} as const;

/** `<prefix/><name>-<step>`: the repository `mesh build` tags (without a tag). */
export const imageRepo = (ir: ProjectIR, step: StepName): string => stepRepository(ir, step);

/** The image reference the base manifests name for a step. */
export const imageRef = (ir: ProjectIR, step: StepName): string => `${imageRepo(ir, step)}:${BASE_TAG}`;

/** The lifecycle steps the project has, in order (serve excluded). */
export const lifecycleSteps = (ir: ProjectIR): LifecycleStep[] => ir.steps.filter((s): s is LifecycleStep => s !== "serve");
