/**
 * Registry URIs and where they come from. `file://PATH` (relative to the working folder, or
 * absolute as `file:///abs/path`) or `s3://BUCKET/PREFIX`. Precedence (CONTRACTS.md):
 * `--registry` > `MESH_REGISTRY` > mesh.yaml / the project's IR > `file://.mesh/registry`.
 */
import { RegistryError } from "./errors.js";
import type { S3Options } from "./s3-client.js";

export const DEFAULT_REGISTRY_URI = "file://.mesh/registry";

export type RegistryLocation = { readonly kind: "file"; readonly path: string } | { readonly kind: "s3"; readonly bucket: string; readonly prefix: string };

const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const PREFIX_SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.+-]*$/;

const bad = (uri: string, why: string) => new RegistryError("invalid", `invalid registry URI ${JSON.stringify(uri)}: ${why} (expected file://PATH or s3://BUCKET/PREFIX)`);

/** Parses a registry URI; one clear error for anything else. */
export function parseRegistryUri(uri: string): RegistryLocation {
  if (typeof uri !== "string" || uri.trim() === "") throw bad(String(uri), "empty");
  if (uri.includes("\0")) throw bad(uri, "contains a NUL byte");
  if (uri.startsWith("file://")) {
    const path = uri.slice("file://".length);
    if (path === "") throw bad(uri, "no path after file://");
    return { kind: "file", path };
  }
  if (uri.startsWith("s3://")) {
    const rest = uri.slice("s3://".length);
    const slash = rest.indexOf("/");
    const bucket = slash < 0 ? rest : rest.slice(0, slash);
    const prefix = (slash < 0 ? "" : rest.slice(slash + 1)).replace(/\/+$/, "");
    if (!BUCKET.test(bucket) || bucket.includes("..")) throw bad(uri, `"${bucket}" is not a valid bucket name`);
    if (prefix !== "") {
      for (const seg of prefix.split("/")) {
        if (seg === "." || seg === ".." || !PREFIX_SEGMENT.test(seg)) throw bad(uri, `prefix segment "${seg}" is not allowed`);
      }
    }
    return { kind: "s3", bucket, prefix };
  }
  throw bad(uri, "unknown scheme");
}

/** Picks the registry URI: `--registry` > `MESH_REGISTRY` > the IR/mesh.yaml value > the default. */
export function resolveRegistryUri(flag: string | undefined, env: NodeJS.ProcessEnv, irDefault: string | undefined): string {
  const pick = [flag, env.MESH_REGISTRY, irDefault].find((v) => v !== undefined && v.trim() !== "");
  return pick?.trim() ?? DEFAULT_REGISTRY_URI;
}

/** The workspace's S3 settings as the IR carries them (`ProjectIR.aws`). */
export interface WorkspaceAws {
  readonly region: string;
  readonly s3Endpoint: string;
  readonly s3ForcePathStyle: boolean;
}

/**
 * S3 options from mesh.yaml (via the IR) with the standard AWS environment taking precedence,
 * like the registry URI itself: AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL and AWS_REGION /
 * AWS_DEFAULT_REGION override the workspace file.
 */
export function s3OptionsFromWorkspace(aws: WorkspaceAws | undefined, env: NodeJS.ProcessEnv): S3Options {
  const endpoint = env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || aws?.s3Endpoint || undefined;
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION || aws?.region || undefined;
  return {
    ...(endpoint ? { endpoint } : {}),
    ...(region ? { region } : {}),
    ...(aws?.s3ForcePathStyle ? { forcePathStyle: true } : {}),
  };
}
