/**
 * Reading and parsing a JSON request body with a hard byte limit. A declared
 * Content-Length over the limit is refused before reading; a chunked body is counted as it
 * arrives and reading stops at the limit (the connection is then closed), so a huge body is
 * never buffered. A body that does not arrive within the timeout gets 408.
 */
import type { IncomingMessage } from "node:http";
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

/** Checks the content type, then reads and parses the body. */
export function readJsonBody(req: IncomingMessage, limit: number, timeoutMs: number, done: (r: BodyResult) => void): void {
  if (!isJsonContentType(req.headers["content-type"])) {
    done({ ok: false, close: !isEmptyBody(req), error: apiError(415, "unsupported_media_type", `expected Content-Type: application/json, got ${describe(req.headers["content-type"])}`) });
    return;
  }
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > limit) {
    done({ ok: false, close: true, error: tooLarge(limit) });
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let finished = false;
  const finish = (r: BodyResult) => {
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
      finish({ ok: false, close: true, error: tooLarge(limit) });
      return;
    }
    chunks.push(chunk);
  };
  const onEnd = () => {
    const text = chunks.length === 1 ? chunks[0]!.toString("utf8") : Buffer.concat(chunks, size).toString("utf8");
    finish(parseJson(text));
  };
  const onError = () => finish({ ok: false, close: true, error: apiError(400, "bad_request", "the request body could not be read") });
  const timer = setTimeout(() => finish({ ok: false, close: true, error: apiError(408, "request_timeout", `the request body did not arrive within ${timeoutMs} ms`) }), timeoutMs);
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

function isEmptyBody(req: IncomingMessage): boolean {
  return req.headers["content-length"] === "0" || (req.headers["content-length"] === undefined && req.headers["transfer-encoding"] === undefined);
}

function describe(header: string | undefined): string {
  return header ? JSON.stringify(header.slice(0, 100)) : "none";
}
