/**
 * How mesh runs a step image as a container, in one place, so the Makefile's `run-<step>`
 * targets and compose.yaml cannot drift apart (uid and registry path come from the Dockerfile
 * generator's layout, so they match the images too): the non-root user, where the model registry is
 * mounted, the port the server listens on inside the container, and image names.
 */
import type { ProjectIR, StepName } from "../../compiler/ir.js";
import { CONTAINER } from "./image-layout.js";

/** The non-root uid:gid every mesh image runs as (the Dockerfiles' USER). */
export const CONTAINER_USER = `${CONTAINER.uid}:${CONTAINER.gid}`;
/** Where a file registry is mounted inside step containers (the images' MESH_REGISTRY). */
export const REGISTRY_MOUNT = CONTAINER.registry;
/** The MESH_REGISTRY value that points a container at that mount. */
export const REGISTRY_MOUNT_URI = `file://${REGISTRY_MOUNT}`;
/**
 * MESH_MODEL_REF of a serve container that downloads its model at start: the newest compiled
 * version, else the newest trained one (runtimes/serve resolves it against MESH_REGISTRY).
 */
export const DOWNLOAD_MODEL_REF = "latest";
/** The Neuron device the compile-neuron container needs on an Inferentia/Trainium host. */
export const NEURON_DEVICE = "/dev/neuron0";

/** Image repository of a step (`StepImageIR.image`: lower applies the registry prefix). */
export function stepRepository(ir: ProjectIR, step: StepName): string {
  const image = ir.stepImages.find((s) => s.step === step);
  if (!image) throw new Error(`${ir.name} has no ${step} image`);
  return image.image;
}

/** True when the project compiles for AWS Neuron (adds compile-neuron targets and services). */
export function hasNeuronTarget(ir: ProjectIR): boolean {
  return ir.compile?.targets.some((t) => t.kind === "neuron") ?? false;
}

/**
 * The workspace-relative folder of a `file://` registry URI (`file://.mesh/registry` →
 * `.mesh/registry`), or undefined for other schemes. Absolute paths stay absolute.
 */
export function fileRegistryPath(uri: string): string | undefined {
  if (!uri.startsWith("file://")) return undefined;
  const path = uri.slice("file://".length).replace(/\/+$/, "");
  return path === "" ? undefined : path;
}

/**
 * Seconds a container gets between SIGTERM and SIGKILL: the server's drain deadline plus a
 * margin for closing the listener and flushing logs, so a drain is never cut short.
 */
export function stopGraceSeconds(ir: ProjectIR): number {
  return Math.ceil(ir.serve.drainMs / 1000) + 5;
}
