/**
 * The hardening every mesh pod gets, matching the images (generators/support/image-layout.ts):
 * the non-root uid/gid the Dockerfiles' USER sets, a read-only root file system with a private
 * writable /tmp, no privilege escalation, no capabilities, the runtime's default seccomp profile.
 * This is the Kubernetes "restricted" Pod Security Standard.
 */
import type { IPodSecurityContext } from "kubernetes-models/v1/PodSecurityContext";
import type { ISecurityContext } from "kubernetes-models/v1/SecurityContext";
import type { IVolume } from "kubernetes-models/v1/Volume";
import type { IVolumeMount } from "kubernetes-models/v1/VolumeMount";
import { CONTAINER } from "../support/image-layout.js";

/**
 * Untyped object data (kustomizations, patches). Kubernetes objects themselves are typed with
 * kubernetes-models' interfaces (type-only imports, erased at run time), so a misspelt field
 * is a compile error, not a manifest the API server rejects.
 */
export type Obj = Record<string, unknown>;

export const TMP_VOLUME = "tmp";

export function podSecurityContext(): IPodSecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: CONTAINER.uid,
    runAsGroup: CONTAINER.gid,
    fsGroup: CONTAINER.gid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export function containerSecurityContext(): ISecurityContext {
  return {
    runAsNonRoot: true,
    runAsUser: CONTAINER.uid,
    runAsGroup: CONTAINER.gid,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    privileged: false,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** The writable /tmp every container needs with a read-only root file system. */
export const tmpVolume = (sizeLimit: string): IVolume => ({ name: TMP_VOLUME, emptyDir: { sizeLimit } });
export const tmpMount = (): IVolumeMount => ({ name: TMP_VOLUME, mountPath: "/tmp" });
