/**
 * The S3 backend (`s3://BUCKET/PREFIX`), for AWS S3 and S3-compatible servers. Guarantees:
 *
 * - Version numbers: claimed with conditional puts (`If-None-Match: *`) where the server
 *   honours them, else with the bakery protocol (s3-claim.ts); probed once, before the
 *   first claim of this store.
 * - Invisible until complete: artifacts are uploaded to `<base>/<n>/…` first and `card.json`
 *   last; a version without a card is not a version (the core lists only versions with a
 *   card), so an interrupted upload leaves nothing visible. Versions are listed from the
 *   `<n>/card.json` keys of one paged listing (1,000 keys per request), not a HEAD per version. Files stream from disk through a
 *   hashing stream into lib-storage's multipart Upload (bounded memory: parts × queue).
 * - Immutable: `commit` refuses when the card exists; a claimed number is never reused.
 */
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { createReadStream } from "node:fs";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { RegistryError } from "./errors.js";
import { HashingStream, sha256 } from "./hashing.js";
import { claimVersionBakery, claimVersionConditional, probeConditionalWrites, type ConditionalOps, type ConditionalPut } from "./s3-claim.js";
import { CARD } from "./layout.js";
import { parseVersionName } from "./names.js";
import { isMissingKey, s3Error } from "./s3-errors.js";
import type { BlobStore, Source, VersionStage, Written } from "./storage.js";

export interface S3Location {
  readonly client: S3Client;
  readonly endpoint: string;
  readonly bucket: string;
  /** Key prefix without leading or trailing slash; "" for the bucket root. */
  readonly prefix: string;
  readonly uri: string;
  /** Multipart part size in bytes (default 8 MiB; S3's minimum is 5 MiB). */
  readonly partSize?: number;
}

export function s3Store(loc: S3Location): BlobStore {
  const { client, bucket, uri } = loc;
  const full = (key: string) => (loc.prefix ? `${loc.prefix}/${key}` : key);
  const folder = (prefix: string) => (prefix ? `${full(prefix)}/` : loc.prefix ? `${loc.prefix}/` : "");
  const fail = (action: string) => (err: unknown) => {
    throw s3Error(err, { uri, bucket, endpoint: loc.endpoint, action });
  };

  /**
   * Sub-folders are computed from a recursive listing rather than a `Delimiter: "/"` one:
   * s3rver 3.7 does not descend more than one level below the prefix when a delimiter is set,
   * so it misses folders whose objects sit deeper (every registry folder above a version).
   * One request covers 1,000 keys, so this stays cheap for registries of this size.
   */
  async function list(prefix: string, recursive: boolean): Promise<{ dirs: string[]; files: string[]; cards: number[] }> {
    const p = folder(prefix);
    const dirs = new Set<string>();
    const files: string[] = [];
    // Versions directly under the prefix whose card (written last) is there: the complete ones.
    const cards: number[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: p, ContinuationToken: token, ...(recursive ? {} : { Delimiter: "/" }) })).catch(fail(`list ${p || "/"}`));
      for (const o of page.Contents ?? []) {
        const rest = o.Key?.slice(p.length) ?? "";
        const slash = rest.indexOf("/");
        if (slash > 0) dirs.add(rest.slice(0, slash));
        else if (slash < 0 && rest !== "") files.push(rest);
        const version = slash > 0 && rest.slice(slash) === `/${CARD}` ? parseVersionName(rest.slice(0, slash)) : undefined;
        if (version !== undefined) cards.push(version);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return { dirs: [...dirs].sort(), files: files.sort(), cards: cards.sort((a, b) => a - b) };
  }

  async function put(key: string, source: Source): Promise<Written> {
    if (source instanceof Uint8Array) {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: full(key), Body: source })).catch(fail(`write ${key}`));
      return { sha256: sha256(source), size: source.byteLength };
    }
    const hashing = new HashingStream();
    const reading = pipeline(createReadStream(source.localPath), hashing);
    const upload = new Upload({
      client,
      params: { Bucket: bucket, Key: full(key), Body: hashing },
      partSize: loc.partSize ?? 8 * 1024 * 1024,
      queueSize: 4,
      // An interrupted multipart upload is aborted so no parts linger.
      leavePartsOnError: false,
    });
    // A failed upload stops consuming the stream; destroy it so the file read ends too
    // instead of waiting forever on back-pressure.
    const sending = upload.done().catch((err: unknown) => {
      hashing.destroy(err instanceof Error ? err : new Error(String(err)));
      throw err;
    });
    const [read, sent] = await Promise.allSettled([reading, sending]);
    if (sent.status === "rejected" && (read.status === "fulfilled" || read.reason === sent.reason)) fail(`upload ${key}`)(sent.reason);
    if (read.status === "rejected") {
      await upload.abort().catch(() => undefined);
      const code = (read.reason as NodeJS.ErrnoException).code;
      throw new RegistryError("io", `cannot read ${source.localPath} to upload it as ${key}: ${code ?? String(read.reason)}`, { cause: read.reason });
    }
    return hashing.result();
  }

  async function putIfNoneMatch(key: string, bytes: Uint8Array): Promise<ConditionalPut> {
    try {
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: full(key), Body: bytes, IfNoneMatch: "*" }));
      return "written";
    } catch (err) {
      const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
      if (status === 412) return "exists";
      if (status === 409) return "conflict";
      return fail(`write ${key}`)(err);
    }
  }
  const conditional: ConditionalOps = { putIfNoneMatch, delete: (k) => del(k), listDirs: async (p) => (await list(p, true)).dirs };
  let honoursConditional: Promise<boolean> | undefined;

  async function del(key: string): Promise<void> {
    await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: full(key) })).catch(fail(`delete ${key}`));
  }

  async function head(key: string): Promise<{ size: number } | undefined> {
    try {
      const h = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: full(key) }));
      return { size: h.ContentLength ?? 0 };
    } catch (err) {
      if (isMissingKey(err)) return undefined;
      return fail(`read ${key}`)(err);
    }
  }

  async function open(key: string): Promise<Readable | undefined> {
    try {
      const res = await client.send(new GetObjectCommand({ Bucket: bucket, Key: full(key) }));
      return res.Body as Readable;
    } catch (err) {
      if (isMissingKey(err)) return undefined;
      return fail(`read ${key}`)(err);
    }
  }

  const store: BlobStore = {
    uri,
    open,
    head,
    async get(key) {
      const body = await open(key);
      if (!body) return undefined;
      const chunks: Buffer[] = [];
      try {
        for await (const c of body) chunks.push(c as Buffer);
      } catch (err) {
        fail(`read ${key}`)(err);
      }
      return new Uint8Array(Buffer.concat(chunks));
    },
    listDirs: async (prefix) => (await list(prefix, true)).dirs,
    listFiles: async (prefix) => (await list(prefix, false)).files,
    listVersions: async (base) => (await list(base, true)).cards,
    async putIfAbsent(key, bytes) {
      // Used only for records whose content is fixed by their key (lineage), so a racing
      // duplicate writes the same bytes: check-then-put is enough.
      if (await head(key)) return false;
      await put(key, bytes);
      return true;
    },
    async claimVersion(base) {
      // A failed probe (network) is not remembered: the next claim probes again.
      honoursConditional ??= probeConditionalWrites(conditional).catch((err: unknown) => {
        honoursConditional = undefined;
        throw err;
      });
      if (await honoursConditional) return claimVersionConditional(conditional, base);
      return claimVersionBakery(
        {
          put: async (k, b) => void (await put(k, b)),
          delete: del,
          listFiles: async (p) => (await list(p, false)).files,
          listDirs: async (p) => (await list(p, true)).dirs,
        },
        base,
      );
    },
    async stageVersion(base, version) {
      const dir = `${base}/${version}`;
      const written: string[] = [];
      const stage: VersionStage = {
        async put(rel, source) {
          written.push(`${dir}/${rel}`);
          return put(`${dir}/${rel}`, source);
        },
        async commit(card) {
          if (await head(`${dir}/card.json`)) {
            throw new RegistryError("conflict", `version ${dir} already exists in ${uri}; versions are never overwritten`);
          }
          await put(`${dir}/card.json`, card);
        },
        async abort() {
          for (const key of written) await del(key).catch(() => undefined);
        },
      };
      return stage;
    },
  };
  return store;
}
