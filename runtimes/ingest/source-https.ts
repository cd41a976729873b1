/**
 * `https://` sources (and `http://` on loopback, for tests): a per-attempt timeout, a size
 * cap enforced while streaming (a lying or absent Content-Length cannot blow memory),
 * retries with exponential backoff on network errors, 429 and 5xx; 4xx fails at once.
 */
import { sha256Hex } from "../support/canonical-json.js";
import { reason } from "../lifecycle/errors.js";
import { SourceError } from "./source-local.js";
import type { IngestConfig, IngestContext, OpenedSource } from "./types.js";

class Permanent extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function checkScheme(uri: string): URL {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new SourceError(`source ${uri} is not a valid URL`);
  }
  const loopback = url.hostname === "127.0.0.1" || url.hostname === "localhost" || url.hostname === "[::1]";
  if (url.protocol !== "https:" && !(url.protocol === "http:" && loopback)) {
    throw new SourceError(`source ${uri}: only https:// is allowed (http:// only on loopback)`);
  }
  return url;
}

async function withRetries<T>(uri: string, cfg: IngestConfig, ctx: IngestContext, attempt: () => Promise<T>): Promise<T> {
  const base = ctx.retryDelayMs ?? 250;
  let last: unknown;
  for (let i = 0; i <= cfg.retries; i++) {
    if (i > 0) {
      ctx.log(`  retrying ${uri} in ${base * 2 ** (i - 1)} ms (attempt ${i + 1} of ${cfg.retries + 1}): ${reason(last)}`);
      await sleep(base * 2 ** (i - 1));
    }
    try {
      return await attempt();
    } catch (err) {
      if (err instanceof Permanent || err instanceof SourceError) throw new SourceError(`source ${uri}: ${err.message}`);
      last = err;
    }
  }
  const why = last instanceof Error && last.cause ? reason(last.cause) : reason(last);
  throw new SourceError(`source ${uri} unreachable after ${cfg.retries + 1} attempt(s): ${why}`);
}

async function request(url: URL, method: "GET" | "HEAD", timeoutMs: number): Promise<Response> {
  const res = await fetch(url, { method, signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
  if (res.status === 429 || res.status >= 500) throw new Error(`HTTP ${res.status}`);
  if (!res.ok) throw new Permanent(`HTTP ${res.status} ${res.statusText}`.trim());
  return res;
}

async function readCapped(res: Response, maxBytes: number): Promise<Buffer> {
  const declared = Number(res.headers.get("content-length") ?? "NaN");
  if (declared > maxBytes) throw new Permanent(`${declared} bytes exceed the ${maxBytes}-byte limit (max_bytes)`);
  const chunks: Buffer[] = [];
  let total = 0;
  if (!res.body) return Buffer.alloc(0);
  for await (const chunk of res.body as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new Permanent(`more than ${maxBytes} bytes (max_bytes)`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks, total);
}

export async function openHttpsUri(uri: string, cfg: IngestConfig, ctx: IngestContext): Promise<OpenedSource> {
  const url = checkScheme(uri);
  const head = await withRetries(uri, cfg, ctx, async () => {
    try {
      return await request(url, "HEAD", cfg.timeoutMs);
    } catch (err) {
      // Some servers refuse HEAD; the GET below still works, just without a fingerprint.
      if (err instanceof Permanent && /HTTP 40[35]/.test(err.message)) return undefined;
      throw err;
    }
  });
  const h = head?.headers;
  const identity = h && (h.get("etag") ?? h.get("last-modified"));
  const size = Number(h?.get("content-length") ?? 0);
  if (size > cfg.maxBytes) throw new SourceError(`source ${uri}: ${size} bytes exceed the ${cfg.maxBytes}-byte limit (max_bytes)`);
  const read = () => withRetries(uri, cfg, ctx, async () => readCapped(await request(url, "GET", cfg.timeoutMs), cfg.maxBytes));
  return {
    uri,
    folder: false,
    files: [{ name: url.pathname.split("/").pop() ?? "", size, read }],
    fingerprint: identity ? sha256Hex(`${uri}\n${identity}\n${size}`) : undefined,
  };
}
