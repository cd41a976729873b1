/**
 * Reading and parsing a JSON request body with a hard byte limit. A declared
 * Content-Length over the limit is refused before reading; a chunked body is counted as it
 * arrives and reading stops at the limit (the connection is then closed), so a huge body is
 * never buffered. A body that does not arrive within the timeout gets 408. JSON is UTF-8
 * (RFC 8259): another charset is refused with 415, bytes that are not UTF-8 with 400.
 */
import type { IncomingMessage } from "node:http";
import { isUtf8 } from "node:buffer";
import type { ApiError } from "./definition.js";
import { apiError } from "./errors.js";

export type BodyResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: ApiError; readonly close: boolean };

/** True for `application/json` and `application/<x>+json`, with any parameters (charset). */
export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const semi = header.indexOf(";");
  const type = (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase();
  return type === "application/json" || (type.startsWith("application/") && type.endsWith("+json"));
}

/** The charsets a JSON body is decoded as: UTF-8 only (us-ascii is a subset, so it is accepted too). */
const UTF8_NAMES = new Set(["utf-8", "utf8", "us-ascii"]);

/** Why this Content-Type cannot be read as JSON, or undefined when it can. */
export function contentTypeProblem(header: string | undefined): string | undefined {
  if (!isJsonContentType(header)) return `expected Content-Type: application/json, got ${describe(header)}`;
  for (const param of header!.split(";").slice(1)) {
    const eq = param.indexOf("=");
    if (eq < 0 || param.slice(0, eq).trim().toLowerCase() !== "charset") continue;
    const charset = param
      .slice(eq + 1)
      .trim()
      .replace(/^"(.*)"$/, "$1");
    // Decoding UTF-16 (or Latin-1) bytes as UTF-8 would answer for text the client never sent.
    if (!UTF8_NAMES.has(charset.toLowerCase())) return `charset ${describe(charset)} is not supported; send the JSON body as UTF-8 (charset=utf-8, or no charset)`;
  }
  return undefined;
}

/** Checks the content type, then reads and parses the body. */
export function readJsonBody(req: IncomingMessage, limit: number, timeoutMs: number, done: (r: BodyResult) => void): void {
  const declared = req.headers["content-length"];
  const overLimit = declared !== undefined && Number(declared) > limit;
  const problem = contentTypeProblem(req.headers["content-type"]);
  if (problem) {
    const error = apiError(415, "unsupported_media_type", problem);
    if (overLimit) return done({ ok: false, close: true, error });
    // The body is read (and dropped, within the same limit and timeout) before answering: the
    // connection then stays usable, and requests pipelined behind this one are answered.
    // Answering at once with Connection: close dropped every one of them.
    readBody(req, limit, timeoutMs, false, (r) => done({ ok: false, close: r.kind !== "complete", error }));
    return;
  }
  if (overLimit) return done({ ok: false, close: true, error: tooLarge(limit) });
  readBody(req, limit, timeoutMs, true, (r) => {
    switch (r.kind) {
      case "complete":
        if (!isUtf8(r.bytes)) return done({ ok: false, close: false, error: apiError(400, "malformed_json", "the request body is not valid UTF-8", "") });
        return done(parseJson(r.bytes.toString("utf8")));
      case "too_large":
        return done({ ok: false, close: true, error: tooLarge(limit) });
      case "timeout":
        return done({ ok: false, close: true, error: apiError(408, "request_timeout", `the request body did not arrive within ${timeoutMs} ms`) });
      case "error":
        return done({ ok: false, close: true, error: apiError(400, "bad_request", "the request body could not be read") });
    }
  });
}

type Read = { readonly kind: "complete"; readonly bytes: Buffer } | { readonly kind: "too_large" | "timeout" | "error" };

/** Reads the body up to `limit` bytes within `timeoutMs`; `keep: false` counts the bytes and drops them. */
function readBody(req: IncomingMessage, limit: number, timeoutMs: number, keep: boolean, done: (r: Read) => void): void {
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (r: Read) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    req.removeListener("data", onData);
    req.removeListener("end", onEnd);
    req.removeListener("error", onError);
    done(r);
  };
  const onData = (chunk: Buffer) => {
    size += chunk.length;
    if (size > limit) {
      req.pause();
      finish({ kind: "too_large" });
      return;
    }
    if (keep) chunks.push(chunk);
  };
  const onEnd = () => finish({ kind: "complete", bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, keep ? size : 0) });
  const onError = () => finish({ kind: "error" });
  const timer = setTimeout(() => finish({ kind: "timeout" }), timeoutMs);
  req.on("data", onData);
  req.on("end", onEnd);
  req.on("error", onError);
}

export function parseJson(text: string): BodyResult {
  if (text.length === 0) return { ok: false, close: false, error: apiError(400, "malformed_json", "the request body is empty; expected a JSON object", "") };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    // JSON.parse's message names the position; it never echoes the body beyond a few characters.
    const why = err instanceof Error ? err.message.slice(0, 200) : "invalid JSON";
    return { ok: false, close: false, error: apiError(400, "malformed_json", `the request body is not valid JSON: ${why}`, "") };
  }
}

function tooLarge(limit: number): ApiError {
  return apiError(413, "payload_too_large", `the request body exceeds the limit of ${limit} bytes`, "");
}

function describe(header: string | undefined): string {
  return header ? JSON.stringify(header.slice(0, 100)) : "none";
}
