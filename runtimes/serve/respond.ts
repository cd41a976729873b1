/**
 * The response writers every route uses: one place sets the request id header, answers at
 * most once, and reports to `finish` (metrics, access log, drain bookkeeping).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { ApiError } from "./definition.js";
import { apiError } from "./errors.js";

/** Request state shared by routes, the router and metrics. */
export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly id: string;
  readonly start: number;
  /** Route label for metrics: the route template, never the raw URL (bounded cardinality). */
  route: string;
  /** Rows the request carried (predict and infer set it once decoded), for the access log. */
  rows?: number;
  /** Set once the response is written, so late paths (timeouts, batch errors) never answer twice. */
  answered: boolean;
  /** The server's state: while draining every response closes its connection. */
  readonly server: { readonly draining: boolean };
}

export type Finish = (ex: Exchange, status: number, errorCode?: string) => void;

/**
 * Writes a JSON response once; later calls are ignored. `extra` adds headers (Retry-After,
 * Allow, Connection). `finish` records metrics and the access log.
 */
export function sendJson(ex: Exchange, status: number, body: unknown, finish: Finish, extra?: Record<string, string>, errorCode?: string): void {
  sendText(ex, status, JSON_TYPE, JSON.stringify(body), finish, extra, errorCode);
}

const JSON_TYPE = "application/json; charset=utf-8";

/** Writes a text body (JSON already serialized, HTML, Prometheus text) once. */
export function sendText(ex: Exchange, status: number, contentType: string, text: string, finish: Finish, extra?: Record<string, string>, errorCode?: string): void {
  if (ex.answered) return;
  ex.answered = true;
  const headers: Record<string, string | number> = {
    "content-type": contentType,
    "content-length": Buffer.byteLength(text),
    "x-request-id": ex.id,
    ...extra,
  };
  if (ex.server.draining) headers["connection"] = "close";
  ex.res.writeHead(status, headers);
  ex.res.end(text);
  finish(ex, status, errorCode);
}

/** At most this many errors per answer, each pointer and detail at most this long: a hostile request cannot make the answer big. */
export const MAX_ERRORS = 20;
const MAX_ERROR_TEXT = 256;

const clip = (s: string) => (s.length > MAX_ERROR_TEXT ? `${s.slice(0, MAX_ERROR_TEXT - 1)}…` : s);

/** Sends `{"errors": [...]}` with the status of the first error; the list and its texts are bounded. */
export function sendErrors(ex: Exchange, errors: readonly ApiError[], finish: Finish, extra?: Record<string, string>): void {
  const first = errors[0]!;
  const bounded = errors.slice(0, MAX_ERRORS).map((e) => ({ ...e, detail: clip(e.detail), ...(e.source ? { source: { pointer: clip(e.source.pointer) } } : {}) }));
  sendJson(ex, Number(first.status), { errors: bounded }, finish, extra, first.code);
}

export function sendError(ex: Exchange, status: number, code: string, detail: string, finish: Finish, pointer?: string, extra?: Record<string, string>): void {
  sendErrors(ex, [apiError(status, code, detail, pointer)], finish, extra);
}

/**
 * Runs `fn` for a request outside the router's try/catch (body callbacks, promise
 * continuations): a throw in generated or library code answers 500 for this request only,
 * is logged, and never takes the process down.
 */
export function guarded(ex: Exchange, finish: Finish, log: { error(obj: object, msg: string): void }, fn: () => void): void {
  try {
    fn();
  } catch (err) {
    log.error({ err, reqId: ex.id, route: ex.route }, "request handler failed");
    sendErrors(ex, [apiError(500, "internal", "the server failed to handle this request")], finish);
  }
}
