/** Picks the source backend from the URI scheme. */
import { openS3Uri } from "./source-s3.js";
import { openHttpsUri } from "./source-https.js";
import { openFileUri, openNpmUri, SourceError } from "./source-local.js";
import type { IngestConfig, IngestContext, OpenedSource } from "./types.js";

export async function openSource(cfg: IngestConfig, ctx: IngestContext): Promise<OpenedSource> {
  const uri = cfg.uri;
  if (uri.startsWith("file://")) return openFileUri(uri, ctx.root, cfg.allowPaths ?? []);
  if (uri.startsWith("npm:")) return openNpmUri(uri, ctx.root);
  if (uri.startsWith("https://") || uri.startsWith("http://")) return openHttpsUri(uri, cfg, ctx);
  if (uri.startsWith("s3://")) return openS3Uri(uri, cfg, ctx);
  throw new SourceError(`source ${uri}: unknown scheme (use file://, npm:, https:// or s3://)`);
}
