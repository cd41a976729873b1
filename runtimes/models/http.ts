/**
 * HTTP for model downloads (https:// and the Hub): streamed to disk through a HashMeter,
 * never buffered. One timeout covers both waiting for an answer and waiting for the next
 * bytes, so a stalled server fails in `timeoutMs` while a slow-but-moving 500 MB download
 * does not. Redirects are followed by hand so the bearer token goes only to the origin it
 * belongs to (the Hub redirects large files to a CDN with signed URLs), and every hop must be
 * https (http only on loopback). No retries: a failure is reported at once, in one sentence,
 * by the caller, and a half download is never used.
 */
import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import * as path from "node:path";
import { pipeline } from "node:stream/promises";
import { HashMeter, type MeterOptions } from "./hash.js";
import { watchdog, type Watchdog } from "./watchdog.js";

/** What went wrong, for the caller to turn into its own sentence. */
export type HttpFailure =
  | { readonly kind: "network"; readonly url: string; readonly detail: string }
  | { readonly kind: "timeout"; readonly url: string; readonly ms: number }
  | { readonly kind: "status"; readonly url: string; readonly status: number; readonly statusText: string; readonly errorCode?: string }
  | { readonly kind: "redirect"; readonly url: string; readonly detail: string };

export class HttpError extends Error {
  constructor(readonly failure: HttpFailure) {
    super(describeFailure(failure));
  }
}

/** A plain description ("HTTP 500 Internal Server Error", "connect ECONNREFUSED …") for messages. */
export function describeFailure(f: HttpFailure): string {
  switch (f.kind) {
    case "network":
      return f.detail;
    case "timeout":
      return `no answer within ${f.ms} ms`;
    case "status":
      return `HTTP ${f.status}${f.statusText ? ` ${f.statusText}` : ""}`;
    case "redirect":
      return f.detail;
  }
}

export interface HttpOptions {
  readonly fetch: typeof fetch;
  readonly timeoutMs: number;
  /** Sent as `Authorization` only to this origin (e.g. the Hub endpoint), never to redirect targets elsewhere. */
  readonly auth?: { readonly origin: string; readonly authorization: string };
}

const MAX_REDIRECTS = 10;
const LOOPBACK = new Set(["127.0.0.1", "localhost", "[::1]"]);

/** The innermost useful message of a fetch failure ("getaddrinfo ENOTFOUND huggingface.co"). */
function networkDetail(err: unknown): string {
  let e = err as { message?: string; code?: string; cause?: unknown; errors?: unknown[] } | undefined;
  // fetch wraps the socket error as `cause`; happy-eyeballs connects wrap several in an AggregateError.
  while (e?.cause) e = e.cause as typeof e;
  if (e?.errors?.length && !e.message) e = e.errors[0] as typeof e;
  return e?.message || e?.code || String(err);
}

async function openUrl(start: string, o: HttpOptions, dog: Watchdog): Promise<Response> {
  let url = new URL(start);
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.has(url.hostname))) {
      throw new HttpError({ kind: "redirect", url: start, detail: `redirected to ${url.protocol}//${url.host}, which is not https` });
    }
    const headers: Record<string, string> = {};
    if (o.auth && url.origin === o.auth.origin) headers.authorization = o.auth.authorization;
    let res: Response;
    try {
      res = await o.fetch(url, { headers, redirect: "manual", signal: dog.signal });
    } catch (err) {
      if (dog.fired()) throw new HttpError({ kind: "timeout", url: url.href, ms: o.timeoutMs });
      throw new HttpError({ kind: "network", url: url.href, detail: networkDetail(err) });
    }
    dog.touch();
    const location = res.headers.get("location");
    if (res.status >= 300 && res.status < 400 && location) {
      await res.body?.cancel();
      url = new URL(location, url);
      continue;
    }
    if (!res.ok) {
      await res.body?.cancel();
      const errorCode = res.headers.get("x-error-code") ?? undefined;
      throw new HttpError({ kind: "status", url: url.href, status: res.status, statusText: res.statusText, ...(errorCode ? { errorCode } : {}) });
    }
    return res;
  }
  throw new HttpError({ kind: "redirect", url: start, detail: `more than ${MAX_REDIRECTS} redirects` });
}

/** Runs `body` with a watchdog; a stall anywhere becomes a timeout failure. */
async function guarded<T>(url: string, o: HttpOptions, body: (dog: Watchdog) => Promise<T>): Promise<T> {
  const dog = watchdog(o.timeoutMs);
  try {
    return await body(dog);
  } catch (err) {
    if (err instanceof HttpError) throw err;
    if (dog.fired()) throw new HttpError({ kind: "timeout", url, ms: o.timeoutMs });
    // A connection cut mid-body surfaces from the stream as undici's TypeError("terminated")
    // or a socket error; file-system errors (ENOSPC, EACCES) are not the network's and pass on.
    const code = (err as NodeJS.ErrnoException).code ?? "";
    if (err instanceof TypeError || (err as Error).name === "AbortError" || code.startsWith("UND_ERR") || code === "ECONNRESET" || code === "EPIPE") {
      throw new HttpError({ kind: "network", url, detail: networkDetail(err) });
    }
    throw err;
  } finally {
    dog.stop();
  }
}

/** GETs JSON (bounded by `maxBytes`). */
export function getJson(url: string, o: HttpOptions, maxBytes: number, tooLarge: () => Error): Promise<unknown> {
  return guarded(url, o, async (dog) => {
    const res = await openUrl(url, o, dog);
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of (res.body ?? []) as AsyncIterable<Uint8Array>) {
      dog.touch();
      total += chunk.byteLength;
      if (total > maxBytes) throw tooLarge();
      chunks.push(Buffer.from(chunk));
    }
    return JSON.parse(Buffer.concat(chunks, total).toString("utf8")) as unknown;
  });
}

/** Streams `url` into the new file `dest` (parent folders made), hashing and capping on the way. */
export function downloadToFile(url: string, dest: string, o: HttpOptions, meter: MeterOptions): Promise<ReturnType<HashMeter["result"]>> {
  return guarded(url, o, async (dog) => {
    const res = await openUrl(url, o, dog);
    const hashing = new HashMeter({ ...meter, onChunk: (n) => (dog.touch(), meter.onChunk?.(n)) });
    await mkdir(path.dirname(dest), { recursive: true });
    await pipeline((res.body ?? []) as AsyncIterable<Uint8Array>, hashing, createWriteStream(dest, { flags: "wx" }));
    return hashing.result();
  });
}
