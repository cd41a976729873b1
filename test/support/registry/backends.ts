/**
 * The two backends the contract suite runs against, behind one fixture shape: a fresh empty
 * registry per test plus raw access to its storage (to tamper with files and claims the way a
 * disk error, a crash or an operator would).
 */
import { DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { openRegistry, type OpenRegistryOptions } from "../../../runtimes/registry/index.js";
import type { MeshRegistry } from "../../../runtimes/registry/types.js";
import type { S3rverHandle } from "../s3rver.js";

export interface Fixture {
  readonly uri: string;
  /** What a registry client needs besides the URI (environment for S3). */
  readonly options: OpenRegistryOptions;
  open(extra?: Partial<OpenRegistryOptions>): MeshRegistry;
  /** Every stored key under `prefix` (recursive, relative to the registry root), sorted. */
  rawList(prefix?: string): Promise<string[]>;
  rawPut(key: string, bytes: Uint8Array): Promise<void>;
  rawDelete(key: string): Promise<void>;
}

export interface Backend {
  readonly name: "file" | "s3";
  fresh(): Promise<Fixture>;
  /** Removes what fresh() created. */
  cleanup(): Promise<void>;
}

const PINNED = () => new Date("2026-01-02T03:04:05.000Z");

export function fileBackend(): Backend {
  const dirs: string[] = [];
  return {
    name: "file",
    async fresh() {
      const root = await mkdtemp(join(tmpdir(), "mesh-registry-"));
      dirs.push(root);
      const options: OpenRegistryOptions = { now: PINNED };
      const uri = `file://${root}`;
      return {
        uri,
        options,
        open: (extra = {}) => openRegistry(uri, { ...options, ...extra }),
        rawList: async (prefix = "") => (await walk(join(root, prefix))).map((p) => relative(root, p)).sort(),
        async rawPut(key, bytes) {
          await mkdir(dirname(join(root, key)), { recursive: true });
          await writeFile(join(root, key), bytes);
        },
        rawDelete: (key) => rm(join(root, key), { recursive: true, force: true }),
      };
    },
    async cleanup() {
      await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(p)));
    else out.push(p);
  }
  return out;
}

export function s3Backend(server: () => S3rverHandle): Backend {
  return {
    name: "s3",
    async fresh() {
      const s = server();
      const prefix = `t-${randomUUID().slice(0, 8)}`;
      const uri = `s3://${s.bucket}/${prefix}`;
      const options: OpenRegistryOptions = { env: s.env, now: PINNED, s3: { partSize: 5 * 1024 * 1024 } };
      const client = new S3Client({
        endpoint: s.endpoint,
        region: s.region,
        forcePathStyle: true,
        credentials: s.credentials,
        requestChecksumCalculation: "WHEN_REQUIRED",
        responseChecksumValidation: "WHEN_REQUIRED",
      });
      return {
        uri,
        options,
        open: (extra = {}) => openRegistry(uri, { ...options, ...extra }),
        async rawList(sub = "") {
          const keys: string[] = [];
          let token: string | undefined;
          do {
            const page = await client.send(new ListObjectsV2Command({ Bucket: s.bucket, Prefix: `${prefix}/${sub}`, ContinuationToken: token }));
            for (const o of page.Contents ?? []) keys.push(o.Key!.slice(prefix.length + 1));
            token = page.IsTruncated ? page.NextContinuationToken : undefined;
          } while (token);
          return keys.sort();
        },
        async rawPut(key, bytes) {
          await client.send(new PutObjectCommand({ Bucket: s.bucket, Key: `${prefix}/${key}`, Body: bytes }));
        },
        async rawDelete(key) {
          await client.send(new DeleteObjectCommand({ Bucket: s.bucket, Key: `${prefix}/${key}` }));
        },
      };
    },
    async cleanup() {},
  };
}
