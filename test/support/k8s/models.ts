/**
 * Validation of generated objects with kubernetes-models (typed models generated from the
 * official Kubernetes OpenAPI schema): each object goes through its own model class, whose
 * `validate()` throws on a schema violation.
 */
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Job } from "kubernetes-models/batch/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, PersistentVolumeClaim, Service, ServiceAccount } from "kubernetes-models/v1";
import { Role, RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1";
import { CronWorkflow, WorkflowTemplate } from "@kubernetes-models/argo-workflows/argoproj.io/v1alpha1";
import { AnalysisTemplate, Rollout } from "@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1";
import { PrometheusRule, ServiceMonitor } from "@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1";
import { ScaledObject } from "@kubernetes-models/keda/keda.sh/v1alpha1";

type Model = { validate(): void };
type Ctor = new (data: never) => Model;

const MODELS: Readonly<Record<string, Ctor>> = {
  "apps/v1/Deployment": Deployment as unknown as Ctor,
  "autoscaling/v2/HorizontalPodAutoscaler": HorizontalPodAutoscaler as unknown as Ctor,
  "batch/v1/Job": Job as unknown as Ctor,
  "policy/v1/PodDisruptionBudget": PodDisruptionBudget as unknown as Ctor,
  "v1/ConfigMap": ConfigMap as unknown as Ctor,
  "v1/PersistentVolumeClaim": PersistentVolumeClaim as unknown as Ctor,
  "v1/Service": Service as unknown as Ctor,
  "v1/ServiceAccount": ServiceAccount as unknown as Ctor,
  "rbac.authorization.k8s.io/v1/Role": Role as unknown as Ctor,
  "rbac.authorization.k8s.io/v1/RoleBinding": RoleBinding as unknown as Ctor,
  // Custom resources, each through the models generated from its project's own CRDs.
  "argoproj.io/v1alpha1/WorkflowTemplate": WorkflowTemplate as unknown as Ctor,
  "argoproj.io/v1alpha1/CronWorkflow": CronWorkflow as unknown as Ctor,
  "argoproj.io/v1alpha1/Rollout": Rollout as unknown as Ctor,
  "argoproj.io/v1alpha1/AnalysisTemplate": AnalysisTemplate as unknown as Ctor,
  "monitoring.coreos.com/v1/ServiceMonitor": ServiceMonitor as unknown as Ctor,
  "monitoring.coreos.com/v1/PrometheusRule": PrometheusRule as unknown as Ctor,
  "keda.sh/v1alpha1/ScaledObject": ScaledObject as unknown as Ctor,
};

export const modelKey = (o: Record<string, unknown>) => `${String(o.apiVersion)}/${String(o.kind)}`;

/** Validates one object through its typed model; throws with the object's kind/name on failure. */
export function validateObject(o: Record<string, unknown>): void {
  const Model = MODELS[modelKey(o)];
  if (!Model) throw new Error(`no kubernetes-models class registered for ${modelKey(o)}`);
  try {
    new Model(o as never).validate();
  } catch (err) {
    const name = (o.metadata as { name?: string } | undefined)?.name;
    throw new Error(`${modelKey(o)} ${name}: ${(err as Error).message}`);
  }
}
