/**
 * The model registry: `openRegistry(uri)` gives the same semantics over a folder (`file://`)
 * or a bucket (`s3://`). See types.ts for the contract, core.ts for the semantics, and
 * file-store.ts / s3-store.ts / s3-claim.ts for how each backend keeps its guarantees.
 */
import { isAbsolute, resolve } from "node:path";
import { createRegistry, type CoreOptions } from "./core.js";
import { fileStore } from "./file-store.js";
import { createS3Client, type S3Options } from "./s3-client.js";
import { s3Store } from "./s3-store.js";
import type { MeshRegistry } from "./types.js";
import { parseRegistryUri } from "./uri.js";

export interface OpenRegistryOptions {
  /** Environment for AWS settings (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** S3 settings; explicit values win over the environment. */
  readonly s3?: S3Options & { readonly partSize?: number };
  /** Base folder for relative `file://` paths (default process.cwd()). */
  readonly cwd?: string;
  /** The clock for card `createdAt` (tests). */
  readonly now?: () => Date;
  /** Progress of each publish, file by file. */
  readonly onUpload?: CoreOptions["onUpload"];
}

/** Opens a registry by URI. Throws RegistryError("invalid") for a URI it cannot use. */
export function openRegistry(uri: string, options: OpenRegistryOptions = {}): MeshRegistry {
  const loc = parseRegistryUri(uri);
  const core: CoreOptions = { ...(options.now ? { now: options.now } : {}), ...(options.onUpload ? { onUpload: options.onUpload } : {}) };
  if (loc.kind === "file") {
    const root = isAbsolute(loc.path) ? loc.path : resolve(options.cwd ?? process.cwd(), loc.path);
    return createRegistry(fileStore(root, uri), core);
  }
  const { client, endpoint } = createS3Client(options.s3 ?? {}, options.env ?? process.env);
  return createRegistry(s3Store({ client, endpoint, bucket: loc.bucket, prefix: loc.prefix, uri, ...(options.s3?.partSize ? { partSize: options.s3.partSize } : {}) }), core);
}

export { RegistryError, isRegistryError, type RegistryErrorCode } from "./errors.js";
export { DEFAULT_REGISTRY_URI, parseRegistryUri, resolveRegistryUri, s3OptionsFromWorkspace, type WorkspaceAws } from "./uri.js";
export type { S3Options } from "./s3-client.js";
export * from "./types.js";
export type { UploadProgress } from "./core.js";
export { ALIAS_PATTERN, RESERVED_ALIASES, aliasProblem, checkAlias, rollbackTarget } from "./aliases.js";
