/**
 * `s3://BUCKET/KEY` (one object) or `s3://BUCKET/PREFIX/` (every object below, a folder).
 * Endpoint, region and path style come from the standard AWS environment or the workspace
 * (S3-compatible servers); credentials from the environment or the AWS SDK's own chain.
 */
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from "@aws-sdk/client-s3";
import { createS3Client } from "../registry/s3-client.js";
import { sha256Hex } from "../support/canonical-json.js";
import { reason } from "../lifecycle/errors.js";
import { SourceError } from "./source-local.js";
import type { IngestConfig, IngestContext, OpenedSource, SourceFile } from "./types.js";

export function parseS3Uri(uri: string): { bucket: string; key: string } {
  const m = /^s3:\/\/([^/]+)\/?(.*)$/.exec(uri);
  if (!m || !m[1]) throw new SourceError(`source ${uri} is not s3://BUCKET/KEY`);
  return { bucket: m[1], key: m[2] ?? "" };
}

/** The registry's S3 client factory: same endpoint, region, path-style and credential rules. */
export function s3Client(ctx: IngestContext, cfg: IngestConfig): S3Client {
  return createS3Client({ ...(ctx.s3 ?? {}), maxAttempts: cfg.retries + 1 }, process.env).client;
}

function s3Reason(err: unknown): string {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  if (e?.name === "NoSuchBucket") return "the bucket does not exist";
  if (e?.name === "NoSuchKey" || e?.name === "NotFound" || e?.$metadata?.httpStatusCode === 404) return "no such object";
  if (e?.name === "InvalidAccessKeyId" || e?.name === "SignatureDoesNotMatch" || e?.$metadata?.httpStatusCode === 403) return "access denied (check AWS credentials)";
  return reason(err);
}

export async function openS3Uri(uri: string, cfg: IngestConfig, ctx: IngestContext): Promise<OpenedSource> {
  const { bucket, key } = parseS3Uri(uri);
  const client = s3Client(ctx, cfg);
  const get = (k: string) => async () => {
    try {
      const out = await client.send(new GetObjectCommand({ Bucket: bucket, Key: k }));
      const bytes = Buffer.from(await out.Body!.transformToByteArray());
      if (bytes.length > cfg.maxBytes) throw new SourceError(`source ${uri}: ${bytes.length} bytes exceed the ${cfg.maxBytes}-byte limit (max_bytes)`);
      return bytes;
    } catch (err) {
      if (err instanceof SourceError) throw err;
      throw new SourceError(`source s3://${bucket}/${k}: ${s3Reason(err)}`);
    }
  };
  try {
    if (key && !key.endsWith("/")) {
      const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      const size = head.ContentLength ?? 0;
      if (size > cfg.maxBytes) throw new SourceError(`source ${uri}: ${size} bytes exceed the ${cfg.maxBytes}-byte limit (max_bytes)`);
      const files: SourceFile[] = [{ name: key.split("/").pop() ?? key, size, read: get(key) }];
      return { uri, folder: false, files, fingerprint: sha256Hex(`${uri}\n${head.ETag ?? ""}\n${size}`) };
    }
    const files: SourceFile[] = [];
    const stamp: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, ContinuationToken: token }));
      for (const o of page.Contents ?? []) {
        if (!o.Key || o.Key.endsWith("/")) continue;
        files.push({ name: o.Key.slice(key.length), size: o.Size ?? 0, read: get(o.Key) });
        stamp.push(`${o.Key}\t${o.Size}\t${o.ETag}`);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    if (files.length === 0) throw new SourceError(`source ${uri}: no objects under this prefix`);
    files.sort((a, b) => (a.name < b.name ? -1 : 1));
    return { uri, folder: true, files, fingerprint: sha256Hex(`${uri}\n${stamp.sort().join("\n")}`) };
  } catch (err) {
    if (err instanceof SourceError) throw err;
    throw new SourceError(`source ${uri}: ${s3Reason(err)}`);
  }
}
