/**
 * Structured JSON logs (pino) on stdout: start, stop, warnings and errors always; one access
 * line per request only when MESH_ACCESS_LOG is on (or at debug), so by default the hot path
 * writes nothing. Bodies, query strings, headers other than the request id, and secrets are
 * never logged.
 */
import { randomBytes } from "node:crypto";
import { pino, type Logger } from "pino";
import type { LogLevel } from "./config.js";
import type { Exchange } from "./respond.js";

export type { Logger } from "pino";

/**
 * `destination` lets tests capture lines; production writes to fd 1 synchronously: at the
 * default level only start, stop and errors are logged, and sync writes are never lost when
 * the process exits right after draining.
 */
export function createLogger(level: LogLevel, name: string, destination?: NodeJS.WritableStream): Logger {
  const options = { level, base: { service: name, pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime };
  return destination ? pino(options, destination) : pino(options, pino.destination({ dest: 1, sync: true }));
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const prefix = randomBytes(4).toString("hex");
let counter = 0;

/**
 * The request id: the caller's `x-request-id` when it is short and made of safe characters
 * (it is echoed in logs and headers), else a new one: a random per-process prefix plus a
 * counter — unique, and far cheaper than a UUID per request.
 */
export function requestId(header: string | string[] | undefined): string {
  if (typeof header === "string" && SAFE_ID.test(header)) return header;
  counter = (counter + 1) % Number.MAX_SAFE_INTEGER;
  return `${prefix}-${counter.toString(36)}`;
}

/** The longest path an access line carries (a 404 for a long URL must not make the log line big). */
const MAX_PATH = 200;

/**
 * One access-log record: the route a request matched (a fixed path) or, for an unmatched
 * one, its path without the query string — query values and bodies may hold user data.
 */
export function accessRecord(ex: Exchange, status: number, seconds: number): Record<string, unknown> {
  let path = ex.route;
  if (path === "unmatched") {
    const url = ex.req.url ?? "/";
    const q = url.indexOf("?");
    path = (q < 0 ? url : url.slice(0, q)).slice(0, MAX_PATH);
  }
  const record: Record<string, unknown> = { reqId: ex.id, method: ex.req.method, path, status, ms: Math.round(seconds * 1e5) / 100 };
  if (ex.rows !== undefined) record["rows"] = ex.rows;
  return record;
}
