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
