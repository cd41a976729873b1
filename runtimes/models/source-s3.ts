/**
 * `s3://BUCKET/KEY` — one object — or `s3://BUCKET/PREFIX/` — every object under the prefix,
 * a folder. Without a trailing slash the key is tried as an object first and as a folder
 * when there is none, so `s3://models/minilm` works for an uploaded folder. The client is the
 * registry's (`createS3Client`: endpoint, region, path style, credentials from options and
 * the AWS environment). Hidden keys (`.git/…`, `.DS_Store`) are skipped like local folders'.
 */
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import type { Readable } from "node:stream";
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { createS3Client, type S3Options } from "../registry/s3-client.js";
import { sha256Hex } from "../support/canonical-json.js";
import { isMissingKey } from "../registry/s3-errors.js";
import { ModelSourceError } from "./errors.js";
import { HashMeter } from "./hash.js";
import { LOCK_FILE_NAME, type ModelLock } from "./lock.js";
import { isHidden, relPathProblem } from "./paths.js";
import type { RemoteFile, RemoteListing, RemoteSource } from "./remote.js";
import type { S3ModelUri } from "./uri.js";
import { watchdog } from "./watchdog.js";

export interface S3Settings {
  readonly cacheDir: string;
  readonly s3?: S3Options;
  readonly env: NodeJS.ProcessEnv;
  readonly timeoutMs: number;
}

const NETWORK_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "EAI_AGAIN", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EPIPE"]);
const FORBIDDEN = new Set(["InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "ExpiredToken", "InvalidToken", "AllAccessDisabled", "Forbidden"]);

interface SdkError {
  name?: string;
  code?: string;
  message?: string;
  errors?: { code?: string }[];
  cause?: { code?: string };
  $metadata?: { httpStatusCode?: number };
}

export function s3Source(u: S3ModelUri, s: S3Settings): RemoteSource {
  // Built on first use: a locked, cached resolve never needs a client.
  let setup: { client: S3Client; endpoint: string } | undefined;
  const client = () => (setup ??= createS3Client(s.s3 ?? {}, s.env));
  const prefixOf = (key: string) => (key === "" ? "" : `${key}/`);
  const fileName = u.key.split("/").pop() ?? u.key;

  /** One sentence per way S3 fails; the registry's mapping, worded for a model source. */
  const fail = (err: unknown, action: string, timedOut: boolean): never => {
    if (err instanceof ModelSourceError) throw err;
    const e = (err ?? {}) as SdkError;
    const endpoint = client().endpoint;
    const net = timedOut ? "ETIMEDOUT" : [e.code, e.cause?.code, ...(e.errors ?? []).map((x) => x.code)].find((c) => c !== undefined && NETWORK_CODES.has(c));
    if (net || e.name === "TimeoutError") {
      throw new ModelSourceError(
        "unreachable",
        `cannot reach the S3 endpoint ${endpoint} (${net ?? "ETIMEDOUT"}) to ${action}: is the server running, and are AWS_ENDPOINT_URL_S3 and the workspace's S3 settings right?`,
        { cause: err },
      );
    }
    if (e.name === "NoSuchBucket") throw new ModelSourceError("not-found", `S3 bucket "${u.bucket}" does not exist at ${endpoint} (model source ${u.uri})`, { cause: err });
    const status = e.$metadata?.httpStatusCode;
    if ((e.name && FORBIDDEN.has(e.name)) || status === 403) {
      throw new ModelSourceError("denied", `S3 refused to ${action} (${status ?? 403} ${e.name ?? "Forbidden"}): check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY and the bucket policy`, {
        cause: err,
      });
    }
    if (e.name === "CredentialsProviderError")
      throw new ModelSourceError("denied", `no AWS credentials found to ${action}: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or AWS_PROFILE`, { cause: err });
    if (isMissingKey(err)) throw new ModelSourceError("not-found", `S3 has no object to ${action} (it was removed, or the lock is stale)`, { cause: err });
    throw new ModelSourceError("io", `S3 failed to ${action}: ${e.name ?? "Error"}${e.message ? `: ${e.message}` : ""}`, { cause: err });
  };

  /** Sends one command under an idle timeout. */
  const send = async <T>(action: string, run: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const dog = watchdog(s.timeoutMs);
    try {
      return await run(dog.signal);
    } catch (err) {
      return fail(err, action, dog.fired());
    } finally {
      dog.stop();
    }
  };

  const listFolder = async (prefix: string): Promise<RemoteListing | undefined> => {
    const files: RemoteFile[] = [];
    const stamp: string[] = [];
    let token: string | undefined;
    do {
      const page = await send(`list s3://${u.bucket}/${prefix}`, (abortSignal) =>
        client().client.send(new ListObjectsV2Command({ Bucket: u.bucket, Prefix: prefix, ContinuationToken: token }), { abortSignal }),
      );
      for (const o of page.Contents ?? []) {
        if (!o.Key || o.Key.endsWith("/")) continue; // "folder" marker objects some tools create
        const rel = o.Key.slice(prefix.length);
        if (isHidden(rel)) continue;
        const problem = relPathProblem(rel);
        if (problem) throw new ModelSourceError("invalid-uri", `the object key ${JSON.stringify(o.Key)} under ${u.uri} ${problem}, so it cannot be a file in a model folder`);
        files.push({ path: rel, from: o.Key, ...(o.Size !== undefined ? { size: o.Size } : {}) });
        stamp.push(`${o.Key}\t${o.Size}\t${o.ETag}`);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    if (files.length === 0) return undefined;
    return { kind: "folder", identity: stamp.sort().join("\n"), files };
  };

  return {
    uri: u.uri,
    // One flat folder per key (readable last segment + hash): nested keys must not nest cache folders.
    cacheDir: path.join(s.cacheDir, "s3", u.bucket, `${fileName || "_bucket"}-${sha256Hex(u.key).slice(0, 16)}`),
    refName: u.uri,

    async list() {
      if (!u.folder) {
        const head = await send(`read s3://${u.bucket}/${u.key}`, (abortSignal) => client().client.send(new HeadObjectCommand({ Bucket: u.bucket, Key: u.key }), { abortSignal })).catch(
          (err: unknown) => {
            if (err instanceof ModelSourceError && err.code === "not-found" && isMissingKey(err.cause)) return undefined;
            throw err;
          },
        );
        if (head) {
          return {
            kind: "file",
            identity: `${u.key}\t${head.ContentLength}\t${head.ETag}`,
            files: [{ path: fileName, from: u.key, ...(head.ContentLength !== undefined ? { size: head.ContentLength } : {}) }],
          };
        }
      }
      const folder = await listFolder(prefixOf(u.key));
      if (!folder) throw new ModelSourceError("not-found", u.folder ? `no objects under ${u.uri}` : `no object and no folder at ${u.uri}`);
      return folder;
    },

    fromLock(lock: ModelLock) {
      const names = Object.keys(lock.files);
      // A lock of one file named like the key's last segment is the object itself (s3://b/m.onnx); anything else a folder.
      const single = !u.folder && names.length === 1 && names[0] === fileName;
      const files = Object.entries(lock.files).map(([rel, pin]) => ({ path: rel, from: single ? u.key : `${prefixOf(u.key)}${rel}`, size: pin.size, sha256: pin.sha256 }));
      if (files.length === 0) throw new ModelSourceError("invalid-lock", `${LOCK_FILE_NAME} for ${u.uri} pins no files`);
      return { kind: single ? "file" : "folder", files };
    },

    async download(file, dest, meter) {
      await mkdir(path.dirname(dest), { recursive: true });
      const dog = watchdog(s.timeoutMs);
      const action = `read s3://${u.bucket}/${file.from}`;
      try {
        const res = await client().client.send(new GetObjectCommand({ Bucket: u.bucket, Key: file.from }), { abortSignal: dog.signal });
        const hashing = new HashMeter({ ...meter, onChunk: () => dog.touch() });
        await pipeline(res.Body as Readable, hashing, createWriteStream(dest, { flags: "wx" }));
        return hashing.result();
      } catch (err) {
        return fail(err, action, dog.fired());
      } finally {
        dog.stop();
      }
    },
  };
}
