/**
 * The hardening every mesh pod gets, matching the images (generators/dockerfile/layout.ts):
 * the non-root uid/gid the Dockerfiles' USER sets, a read-only root file system with a private
 * writable /tmp, no privilege escalation, no capabilities, the runtime's default seccomp profile.
 * This is the Kubernetes "restricted" Pod Security Standard.
 */
import { CONTAINER } from "../dockerfile/layout.js";

export type Obj = Record<string, unknown>;

export const TMP_VOLUME = "tmp";

export function podSecurityContext(): Obj {
  return {
    runAsNonRoot: true,
    runAsUser: CONTAINER.uid,
    runAsGroup: CONTAINER.gid,
    fsGroup: CONTAINER.gid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export function containerSecurityContext(): Obj {
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
export const tmpVolume = (sizeLimit: string): Obj => ({ name: TMP_VOLUME, emptyDir: { sizeLimit } });
export const tmpMount = (): Obj => ({ name: TMP_VOLUME, mountPath: "/tmp" });
