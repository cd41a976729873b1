/**
 * Kustomize layout: `k8s/base/` (serving), `k8s/jobs/` (the lifecycle Jobs) and, per
 * environment of the spec, `k8s/overlays/<env>/` over the base and `k8s/overlays/<env>/jobs/`
 * over the Jobs. An overlay holds only what its environment changes: image tag, serve settings
 * (ConfigMap), replicas (autoscaler bounds), resources, and the registry.
 */
import type { EnvironmentIR, GeneratedFile, ProjectIR } from "../../compiler/ir.js";
import { CONTAINER } from "../support/image-layout.js";
import { NAMES, BASE_TAG, imageRepo, lifecycleSteps, overlayDir, overlayJobsDir, overlayLifecycleDir } from "./names.js";
import { KEDA_API, usesKeda } from "./keda.js";
import { ROLLOUT_API, isCanary } from "./rollout.js";
import { workflowParameters, workflowTemplates } from "./workflow.js";
import { autoscaleBounds } from "./policy.js";
import { REGISTRY_VOLUME, baseRegistry, isFileRegistry, podRegistryUri, registryDiffers, registryMount, registryVolume } from "./registry.js";
import { SERVE_CONTAINER } from "./serve.js";
import { serveEnvDelta } from "./serve-env.js";
import { STEP_CONTAINER } from "./jobs.js";
import { yamlFile } from "./render.js";
import type { Obj } from "./security.js";

const API = { apiVersion: "kustomize.config.k8s.io/v1beta1", kind: "Kustomization" };

export function kustomization(resources: readonly string[], extra: Obj = {}): Obj {
  return { ...API, resources: [...resources], ...extra };
}

/**
 * One environment's overlay in `dir`: `patch` adds a patch file (listed in the kustomization),
 * `finish` writes the kustomization over `resources` with the image tag the environment pins
 * on `repos` (none: the tag travels another way). Shared by every overlay of an environment.
 */
export function overlay(ir: ProjectIR, env: EnvironmentIR, dir: string) {
  const files: GeneratedFile[] = [];
  const patches: Obj[] = [];
  return {
    patch(file: string, value: Obj, target?: Obj): void {
      files.push(yamlFile(ir, `${dir}/${file}`, value));
      patches.push(target ? { path: file, target } : { path: file });
    },
    finish(resources: readonly string[], repos: readonly string[]): GeneratedFile[] {
      const images = env.imageTag !== BASE_TAG && repos.length > 0 ? { images: repos.map((name) => ({ name, newTag: env.imageTag })) } : {};
      files.push(yamlFile(ir, `${dir}/kustomization.yaml`, kustomization(resources, { ...images, ...(patches.length > 0 ? { patches } : {}) })));
      return files;
    },
  };
}

/** Volume changes when an environment's registry is of another kind than the base's. */
function registryVolumePatch(ir: ProjectIR, env: EnvironmentIR, container: string, readOnly: boolean): { volumes?: object[]; mounts?: object[] } {
  const baseFile = isFileRegistry(baseRegistry(ir));
  const envFile = isFileRegistry(env.registry);
  if (baseFile === envFile) return {};
  if (envFile) return { volumes: [registryVolume(ir)], mounts: [registryMount(readOnly)] };
  void container;
  return { volumes: [{ name: REGISTRY_VOLUME, $patch: "delete" }], mounts: [{ mountPath: CONTAINER.registry, $patch: "delete" }] };
}

function podPatch(kind: string, apiVersion: string, name: string, container: Obj, volumes: object[] | undefined, spec: Obj = {}): Obj {
  return {
    apiVersion,
    kind,
    metadata: { name },
    spec: { ...spec, template: { spec: { containers: [container], ...(volumes ? { volumes } : {}) } } },
  };
}

/** Overlay files of the serving base for one environment. */
function serveOverlay(ir: ProjectIR, env: EnvironmentIR): GeneratedFile[] {
  const out = overlay(ir, env, overlayDir(env.name));
  const patch = out.patch;

  const delta = serveEnvDelta(ir, env);
  if (Object.keys(delta).length > 0) patch("serve-env-patch.yaml", { apiVersion: "v1", kind: "ConfigMap", metadata: { name: NAMES.serveConfig(ir) }, data: delta });

  const container: Obj = { name: SERVE_CONTAINER };
  const base = ir.serve.resources;
  if (env.serve.resources.cpu !== base.cpu || env.serve.resources.memory !== base.memory) {
    const { cpu, memory } = env.serve.resources;
    container.resources = { requests: { cpu, memory }, limits: { cpu, memory } };
  }
  const download = ir.serve.image.model === "download";
  const vol = download ? registryVolumePatch(ir, env, SERVE_CONTAINER, true) : {};
  if (vol.mounts) container.volumeMounts = vol.mounts;
  const replicasChange = env.serve.replicas !== ir.serve.replicas;
  const replicas: Obj = replicasChange && (env.serve.replicas === 0 || ir.serve.replicas === 0) ? { replicas: env.serve.replicas } : {};
  // A canary's replica count lives on the Rollout; its Deployment always runs none.
  const deploymentSpec: Obj = isCanary(ir) ? {} : replicas;
  if (Object.keys(container).length > 1 || vol.volumes || Object.keys(deploymentSpec).length > 0) {
    patch("serve-deployment-patch.yaml", podPatch("Deployment", "apps/v1", NAMES.serve(ir), container, vol.volumes, deploymentSpec));
  }
  if (isCanary(ir) && Object.keys(replicas).length > 0) {
    patch("serve-rollout-patch.yaml", { apiVersion: ROLLOUT_API, kind: "Rollout", metadata: { name: NAMES.serve(ir) }, spec: replicas });
  }
  if (replicasChange && ir.serve.replicas > 0) {
    const keda = usesKeda(ir);
    const file = keda ? "serve-scaledobject-patch.yaml" : "serve-hpa-patch.yaml";
    const target = keda
      ? { apiVersion: KEDA_API, kind: "ScaledObject", metadata: { name: NAMES.serve(ir) } }
      : { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", metadata: { name: NAMES.serve(ir) } };
    if (env.serve.replicas === 0) patch(file, { ...target, $patch: "delete" });
    else {
      const { min, max } = autoscaleBounds(env.serve.replicas, ir.serve.autoscale.maxReplicas);
      patch(file, { ...target, spec: keda ? { minReplicaCount: min, maxReplicaCount: max } : { minReplicas: min, maxReplicas: max } });
    }
  }
  return out.finish(["../../base"], [imageRepo(ir, "serve")]);
}

/** Overlay files of the Jobs for one environment. */
function jobsOverlay(ir: ProjectIR, env: EnvironmentIR): GeneratedFile[] {
  const out = overlay(ir, env, overlayJobsDir(env.name));
  if (registryDiffers(ir, env)) {
    const vol = registryVolumePatch(ir, env, STEP_CONTAINER, false);
    const container: Obj = { name: STEP_CONTAINER, env: [{ name: "MESH_REGISTRY", value: podRegistryUri(env.registry) }], ...(vol.mounts ? { volumeMounts: vol.mounts } : {}) };
    // One patch for every Job: they share the container name.
    out.patch("registry-patch.yaml", podPatch("Job", "batch/v1", "any", container, vol.volumes), { group: "batch", version: "v1", kind: "Job" });
  }
  return out.finish(
    ["../../../jobs"],
    lifecycleSteps(ir).map((s) => imageRepo(ir, s)),
  );
}

/**
 * Overlay of the lifecycle WorkflowTemplate for one environment: the defaults of its `registry`
 * and `image-tag` parameters, and — when the environment's registry is of another kind than the
 * base's (a file registry's volume) — the step templates. Kustomize merges a custom resource's
 * lists whole, so the patch carries full lists.
 */
function lifecycleOverlay(ir: ProjectIR, env: EnvironmentIR): GeneratedFile[] {
  const out = overlay(ir, env, overlayLifecycleDir(env.name));
  if (registryDiffers(ir, env) || env.imageTag !== BASE_TAG) {
    const parameters = workflowParameters(ir, env.registry, env.imageTag);
    const kindDiffers = isFileRegistry(env.registry) !== isFileRegistry(baseRegistry(ir));
    const spec = { arguments: { parameters }, ...(kindDiffers ? { templates: workflowTemplates(ir, env.registry) } : {}) };
    out.patch("workflow-parameters-patch.yaml", { apiVersion: "argoproj.io/v1alpha1", kind: "WorkflowTemplate", metadata: { name: NAMES.lifecycle(ir) }, spec });
  }
  // The steps' image tag is a workflow parameter (above), not a kustomize image.
  return out.finish(["../../../lifecycle"], []);
}

export function overlayFiles(ir: ProjectIR): GeneratedFile[] {
  return ir.environments.flatMap((env) => [...serveOverlay(ir, env), ...(lifecycleSteps(ir).length > 0 ? [...jobsOverlay(ir, env), ...lifecycleOverlay(ir, env)] : [])]);
}
