/**
 * Structured JSON logs (pino) on stdout. Access logs are debug-level so the hot path writes
 * nothing at the default level; errors and warnings always. Bodies, headers other than the
 * request id, and secrets are never logged.
 */
import { randomBytes } from "node:crypto";
import { pino, type Logger } from "pino";
import type { LogLevel } from "./config.js";

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
