/**
 * How a pod reaches the model registry in Kubernetes. An `s3://` registry is just its URI
 * (plus the region/endpoint and credentials by reference to a Secret). A `file://` registry
 * has no meaning across nodes, so it becomes a PersistentVolumeClaim (created by the
 * operator) mounted where the images expect it — useful on a single-node dev cluster only.
 */
import type { EnvironmentIR, ProjectIR } from "../../compiler/ir.js";
import { CONTAINER } from "../support/image-layout.js";
import { fileRegistryPath } from "../support/container-run.js";
import { NAMES } from "./names.js";
import type { IEnvFromSource } from "kubernetes-models/v1/EnvFromSource";
import type { IEnvVar } from "kubernetes-models/v1/EnvVar";
import type { IVolume } from "kubernetes-models/v1/Volume";
import type { IVolumeMount } from "kubernetes-models/v1/VolumeMount";

export const REGISTRY_VOLUME = "registry";

/** The registry the base manifests use: the first S3 registry of an environment, else the default. */
export function baseRegistry(ir: ProjectIR): string {
  return ir.environments.find((e) => e.registry.startsWith("s3://"))?.registry ?? ir.registry;
}

export const isFileRegistry = (uri: string): boolean => fileRegistryPath(uri) !== undefined;

/** MESH_REGISTRY inside the pod. */
export const podRegistryUri = (uri: string): string => (isFileRegistry(uri) ? `file://${CONTAINER.registry}` : uri);

/** The pod-side registry of an environment differs from the base's (an overlay must patch it). */
export const registryDiffers = (ir: ProjectIR, env: EnvironmentIR): boolean => podRegistryUri(env.registry) !== podRegistryUri(baseRegistry(ir));

export function registryVolume(ir: ProjectIR): IVolume {
  return { name: REGISTRY_VOLUME, persistentVolumeClaim: { claimName: NAMES.registryClaim(ir) } };
}

export function registryMount(readOnly: boolean): IVolumeMount {
  return { name: REGISTRY_VOLUME, mountPath: CONTAINER.registry, ...(readOnly ? { readOnly: true } : {}) };
}

/** AWS settings that are not secret: the region and, for S3-compatible servers, the endpoint. */
export function awsEnv(ir: ProjectIR): IEnvVar[] {
  const env: IEnvVar[] = [{ name: "AWS_REGION", value: ir.aws.region }];
  if (ir.aws.s3Endpoint) env.push({ name: "AWS_ENDPOINT_URL_S3", value: ir.aws.s3Endpoint });
  return env;
}

/**
 * Credentials by reference only: every key of the operator's Secret (AWS_ACCESS_KEY_ID,
 * AWS_SECRET_ACCESS_KEY, optionally AWS_SESSION_TOKEN) becomes an environment variable.
 * `optional`, so IAM roles for service accounts (no Secret at all) work too.
 */
export function awsSecretEnvFrom(ir: ProjectIR): IEnvFromSource {
  return { secretRef: { name: NAMES.awsSecret(ir), optional: true } };
}
