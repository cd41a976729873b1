/**
 * `https://…/FILE`: one file, streamed to the cache with the download limit and idle timeout.
 * (Ingest's https source reads bodies into memory, which suits data files, not 500 MB
 * models; this shares its rules — https only, http on loopback, cap while streaming, no
 * credentials in URLs — not its buffering.) Servers give no content hash, so nothing is known
 * before the bytes arrive; a lock pins them.
 */
import * as path from "node:path";
import { sha256Hex } from "../support/canonical-json.js";
import { ModelSourceError } from "./errors.js";
import { HttpError, describeFailure, downloadToFile, type HttpOptions } from "./http.js";
import { LOCK_FILE_NAME, type ModelLock } from "./lock.js";
import type { RemoteSource } from "./remote.js";
import type { HttpsModelUri } from "./uri.js";

export interface HttpsSettings {
  readonly cacheDir: string;
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
}

export function httpsSource(u: HttpsModelUri, s: HttpsSettings): RemoteSource {
  const http: HttpOptions = { fetch: s.fetch, timeoutMs: s.timeoutMs };
  const fail = (err: unknown): never => {
    if (!(err instanceof HttpError)) throw err;
    const f = err.failure;
    const why = describeFailure(f);
    if (f.kind === "network" || f.kind === "timeout") {
      throw new ModelSourceError(
        "unreachable",
        `cannot reach ${u.url.origin} for ${u.uri} (${why}): check the URL and the network, or download the file and point model.source.uri at it with file://`,
        { cause: err },
      );
    }
    if (f.kind === "status" && (f.status === 401 || f.status === 403)) {
      throw new ModelSourceError("denied", `${u.uri} answered ${why}: the server wants credentials mesh does not send; download the file and point model.source.uri at it with file://`, {
        cause: err,
      });
    }
    if (f.kind === "status" && (f.status === 404 || f.status === 410)) throw new ModelSourceError("not-found", `${u.uri} answered ${why}: check the URL`, { cause: err });
    throw new ModelSourceError("io", `${u.uri} answered ${why}: try again later`, { cause: err });
  };
  const only = { path: u.fileName, from: u.url.href };
  return {
    uri: u.uri,
    cacheDir: path.join(s.cacheDir, "https", u.url.host.replace(/[^A-Za-z0-9.-]/g, "_"), sha256Hex(u.url.href).slice(0, 16)),
    refName: u.uri,
    list: async () => ({ kind: "file", files: [only] }),
    fromLock(lock: ModelLock) {
      const names = Object.keys(lock.files);
      const pin = lock.files[u.fileName];
      if (names.length !== 1 || !pin) throw new ModelSourceError("invalid-lock", `${LOCK_FILE_NAME} for ${u.uri} must pin exactly the one file ${u.fileName}; update the lock`);
      return { kind: "file", files: [{ ...only, size: pin.size, sha256: pin.sha256 }] };
    },
    download: (file, dest, meter) => downloadToFile(file.from, dest, http, meter).catch(fail),
  };
}
