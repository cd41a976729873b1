/**
 * How the generated server's logs reach a person. The server always writes JSON lines (pino)
 * — that is what containers and log shippers get, and nothing in a generated image
 * pretty-prints. `mesh serve` and `mesh dev` decide on the user's side: `pretty` (pino-pretty:
 * time, level, message, then the fields; a request as `POST /spam/v1/predict 200 1.2 ms rows=4`) by default
 * on a TTY, `json` (passed through byte for byte) otherwise or when asked.
 */
import { Writable } from "node:stream";
import { createRequire } from "node:module";

export type LogFormat = "json" | "pretty";
export const LOG_FORMATS: readonly LogFormat[] = ["json", "pretty"];

/** The explicit choice, else pretty exactly when `dest` is a terminal. */
export function resolveLogFormat(given: LogFormat | undefined, dest: NodeJS.WritableStream): LogFormat {
  return given ?? ((dest as { isTTY?: boolean }).isTTY ? "pretty" : "json");
}

type Prettify = (line: string | object) => string;

/** The server's access record (runtimes/serve/logger.ts `accessRecord`). */
interface AccessRecord {
  readonly msg: "request";
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly ms: number;
  readonly rows?: number;
  readonly reqId?: string;
}

const isAccess = (o: Record<string, unknown>): o is Record<string, unknown> & AccessRecord =>
  o["msg"] === "request" && typeof o["method"] === "string" && typeof o["path"] === "string" && typeof o["status"] === "number" && typeof o["ms"] === "number";

// A path is printed to a terminal: no control characters (escape sequences) reach it.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

/** `POST /spam/v1/predict 200 1.2 ms rows=4 id=…`: the request line a person scans for. */
export function accessLine(r: AccessRecord): string {
  const ms = r.ms < 10 ? r.ms.toFixed(1) : String(Math.round(r.ms));
  const rows = r.rows === undefined ? "" : ` rows=${r.rows}`;
  const id = r.reqId === undefined ? "" : ` id=${String(r.reqId).replace(CONTROL, "?")}`;
  return `${r.method.replace(CONTROL, "?")} ${r.path.replace(CONTROL, "?")} ${r.status} ${ms} ms${rows}${id}`;
}

interface Prettifiers {
  readonly any: Prettify;
  readonly access: Prettify;
}

function prettifiers(colorize: boolean): Prettifiers {
  const { prettyFactory } = createRequire(import.meta.url)("pino-pretty") as { prettyFactory: (o: object) => Prettify };
  const common = { colorize, translateTime: "SYS:HH:MM:ss.l", singleLine: true };
  return {
    any: prettyFactory({ ...common, ignore: "pid,hostname" }),
    // The access fields are the message; what is left (service) is not repeated on every line.
    access: prettyFactory({ ...common, ignore: "pid,hostname,service,reqId,method,path,status,ms,rows", messageFormat: (log: AccessRecord) => accessLine(log) }),
  };
}

/**
 * A stream for the server's stdout: JSON passes through; pretty re-formats each complete JSON
 * line and passes any other line (a library printing to stdout) through unchanged.
 */
export function logSink(format: LogFormat, dest: NodeJS.WritableStream): NodeJS.WritableStream {
  if (format === "json") return dest;
  const prettify = prettifiers(Boolean((dest as { isTTY?: boolean }).isTTY));
  let pending = "";
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      pending += chunk.toString("utf8");
      let i;
      let out = "";
      while ((i = pending.indexOf("\n")) >= 0) {
        const line = pending.slice(0, i);
        pending = pending.slice(i + 1);
        out += line.startsWith("{") ? safePretty(prettify, line) : `${line}\n`;
      }
      if (out) dest.write(out);
      cb();
    },
    final(cb) {
      if (pending) dest.write(`${pending}\n`);
      cb();
    },
  });
}

function safePretty(prettify: Prettifiers, line: string): string {
  try {
    const record = JSON.parse(line) as unknown;
    if (typeof record !== "object" || record === null || Array.isArray(record)) return `${line}\n`;
    const s = isAccess(record as Record<string, unknown>) ? prettify.access(record) : prettify.any(record);
    return s.endsWith("\n") ? s : `${s}\n`;
  } catch {
    return `${line}\n`;
  }
}
