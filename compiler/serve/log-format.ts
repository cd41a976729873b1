/**
 * How the generated server's logs reach a person. The server always writes JSON lines (pino)
 * — that is what containers and log shippers get, and nothing in a generated image
 * pretty-prints. `mesh serve` and `mesh dev` decide on the user's side: `pretty` (pino-pretty:
 * time, level, message, then the fields — url, model, status, latency, batch size) by default
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

type Prettify = (line: string) => string;

function prettifier(colorize: boolean): Prettify {
  const { prettyFactory } = createRequire(import.meta.url)("pino-pretty") as { prettyFactory: (o: object) => Prettify };
  return prettyFactory({ colorize, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname", singleLine: true });
}

/**
 * A stream for the server's stdout: JSON passes through; pretty re-formats each complete JSON
 * line and passes any other line (a library printing to stdout) through unchanged.
 */
export function logSink(format: LogFormat, dest: NodeJS.WritableStream): NodeJS.WritableStream {
  if (format === "json") return dest;
  const prettify = prettifier(Boolean((dest as { isTTY?: boolean }).isTTY));
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

function safePretty(prettify: Prettify, line: string): string {
  try {
    const s = prettify(line);
    return s.endsWith("\n") ? s : `${s}\n`;
  } catch {
    return `${line}\n`;
  }
}
