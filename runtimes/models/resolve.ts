/**
 * The one model-source resolver: a URI in, a local file or folder out, with every file's
 * sha256 and size. Dispatches by scheme; local schemes are hashed in place, remote ones go
 * through the shared download-and-cache flow (remote.ts). With a lock the result must be
 * exactly the pinned files.
 */
import * as path from "node:path";
import { ModelSourceError } from "./errors.js";
import { findOnnx } from "./layout.js";
import { LOCK_FILE_NAME, compareWithLock } from "./lock.js";
import { resolveRemote, type RemoteModel, type RemoteSource } from "./remote.js";
import { resolveFileUri } from "./source-file.js";
import { hfSource } from "./source-hf.js";
import { httpsSource } from "./source-https.js";
import { resolveNpmUri } from "./source-npm.js";
import { s3Source } from "./source-s3.js";
import { DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT_MS, type ModelFile, type ResolveOptions, type ResolvedModel } from "./types.js";
import { parseModelUri, type ModelUri } from "./uri.js";

/** Resolves `uri` to local bytes; throws ModelSourceError with one sentence on any failure. */
export async function resolveModelSource(uri: string, options: ResolveOptions): Promise<ResolvedModel> {
  for (const key of ["root", "baseDir", "cacheDir"] as const) {
    if (!path.isAbsolute(options[key])) throw new TypeError(`resolveModelSource: options.${key} must be an absolute path, got ${JSON.stringify(options[key])}`);
  }
  const u = parseModelUri(uri);
  const lock = options.lock;
  if (lock && lock.source !== uri) {
    throw new ModelSourceError("invalid-lock", `${LOCK_FILE_NAME} pins ${lock.source}, but the spec names ${uri}; update the lock`);
  }
  const got: RemoteModel =
    u.scheme === "file"
      ? await resolveFileUri(u, options.root, options.baseDir)
      : u.scheme === "npm"
        ? await resolveNpmUri(u, options.root, options.baseDir)
        : await resolveRemote(remoteSource(u, options), {
            ...(lock ? { lock } : {}),
            ...(options.refresh ? { refresh: true } : {}),
            maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
            log: options.log ?? (() => {}),
          });
  // Remote downloads were already held to the lock file by file; this also covers local
  // sources and a cached entry, in one wording.
  if (lock) compareWithLock(got.files, lock, uri);
  const onnx = got.kind === "file" ? got.path : onnxIn(got.path, got.files);
  return {
    uri,
    kind: got.kind,
    path: got.path,
    ...(onnx ? { onnx } : {}),
    ...(got.revision ? { revision: got.revision } : {}),
    files: got.files,
  };
}

function onnxIn(dir: string, files: readonly ModelFile[]): string | undefined {
  const rel = findOnnx(files.map((f) => f.path));
  return rel && path.join(dir, ...rel.split("/"));
}

function remoteSource(u: Exclude<ModelUri, { scheme: "file" | "npm" }>, o: ResolveOptions): RemoteSource {
  const env = o.env ?? process.env;
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const doFetch = o.fetch ?? fetch;
  switch (u.scheme) {
    case "s3":
      return s3Source(u, { cacheDir: o.cacheDir, ...(o.s3 ? { s3: o.s3 } : {}), env, timeoutMs });
    case "https":
      return httpsSource(u, { cacheDir: o.cacheDir, fetch: doFetch, timeoutMs });
    case "hf":
      return hfSource(u, { cacheDir: o.cacheDir, include: o.include ?? [], ...(o.hfEndpoint ? { endpoint: o.hfEndpoint } : {}), env, fetch: doFetch, timeoutMs });
  }
}
