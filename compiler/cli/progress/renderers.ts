/**
 * The CLI's renderers of the runtimes' progress events (runtimes/lifecycle/progress.ts), one
 * per output mode, each a `Log` whose `progress` sink takes the events:
 *   tty   — a live display (cli-progress): one bar per task, count of total, rate, ETA and the
 *           event's fields; plain log lines print above the bars.
 *   plain — pipes and CI: throttled lines (at most one per task every 2 s, and the last), no
 *           control characters.
 *   json  — one JSON object per line, `{"type":"progress",…}` or `{"type":"log","line":…}`.
 */
import { createRequire } from "node:module";
import type { MultiBar, SingleBar } from "cli-progress";
import { describeProgress, type Log, type ProgressEvent } from "../../../runtimes/lifecycle/progress.js";

export type ProgressMode = "tty" | "plain" | "json";
export const PROGRESS_MODES: readonly ProgressMode[] = ["tty", "plain", "json"];

export interface ProgressLog extends Log {
  /** Ends the live display (call before anything else writes to the terminal). */
  stop(): void;
}

/** `json` when asked, else `tty` on a terminal (not TERM=dumb), else `plain`. */
export function resolveProgressMode(format: string | undefined, dest: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): ProgressMode {
  if (format === "json") return "json";
  const tty = Boolean((dest as { isTTY?: boolean }).isTTY) && env["TERM"] !== "dumb";
  return tty ? "tty" : "plain";
}

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
const clean = (s: string) => s.replace(CONTROL, "");

export function progressLog(mode: ProgressMode, dest: NodeJS.WritableStream): ProgressLog {
  if (mode === "json") return jsonLog(dest);
  if (mode === "plain") return plainLog(dest);
  return ttyLog(dest);
}

function jsonLog(dest: NodeJS.WritableStream): ProgressLog {
  const log = ((line: string) => void dest.write(`${JSON.stringify({ type: "log", line })}\n`)) as ProgressLog;
  Object.assign(log, { progress: (e: ProgressEvent) => void dest.write(`${JSON.stringify({ type: "progress", ...e })}\n`), stop: () => {} });
  return log;
}

function plainLog(dest: NodeJS.WritableStream, everyMs = 2000): ProgressLog {
  const last = new Map<string, number>();
  const log = ((line: string) => void dest.write(`${clean(line)}\n`)) as ProgressLog;
  const progress = (e: ProgressEvent) => {
    const key = `${e.task}:${e.label}`;
    const now = Date.now();
    const isLast = e.final || (e.total !== undefined && e.done >= e.total);
    if (!isLast && now - (last.get(key) ?? 0) < everyMs) return;
    last.set(key, now);
    dest.write(`${clean(describeProgress(e))}\n`);
  };
  Object.assign(log, { progress, stop: () => {} });
  return log;
}

function ttyLog(dest: NodeJS.WritableStream): ProgressLog {
  const cliProgress = createRequire(import.meta.url)("cli-progress") as typeof import("cli-progress");
  let multi: MultiBar | undefined;
  const bars = new Map<string, SingleBar>();
  const fieldsText = (e: ProgressEvent) =>
    Object.entries(e.fields ?? {})
      .map(([k, v]) => `${k} ${typeof v === "number" && !Number.isInteger(v) ? v.toFixed(4) : v}`)
      .join(", ");
  const bar = () =>
    (multi ??= new cliProgress.MultiBar(
      {
        stream: dest as NodeJS.WriteStream,
        format: " {task} {label} [{bar}] {count} {percentage}% · ETA {eta_formatted} {fields}",
        barsize: 24,
        hideCursor: true,
        clearOnComplete: false,
        stopOnComplete: false,
        fps: 10,
        etaBuffer: 20,
        autopadding: true,
        // A bar that starts complete has no rate to estimate from: say so instead of cli-progress's "NULL".
        formatTime: (t: number, options: object, round: number) => (Number.isFinite(t) ? cliProgress.Format.TimeFormat(t, options, round) : "–"),
      },
      cliProgress.Presets.shades_classic,
    ));
  const active = new Set<string>();
  // Lines are queued by cli-progress until its next redraw: force one, so none waits on a slow bar.
  const log = ((line: string) => {
    if (!multi) return void dest.write(`${line}\n`);
    multi.log(`${line}\n`);
    multi.update();
  }) as ProgressLog;
  const count = (e: ProgressEvent) => (e.unit === "bytes" ? bytesOf(e.done, e.total ?? e.done) : `${e.done}/${e.total ?? "?"} ${e.unit}`);
  function stop() {
    multi?.stop();
    multi = undefined;
    bars.clear();
    active.clear();
  }
  const progress = (e: ProgressEvent) => {
    const key = `${e.task}:${e.label}`;
    const payload = { task: e.task, label: e.label, count: count(e), fields: fieldsText(e) };
    let b = bars.get(key);
    if (!b) {
      b = bar().create(Math.max(e.total ?? e.done, 1), e.done, payload);
      bars.set(key, b);
      active.add(key);
    }
    if (e.total !== undefined) b.setTotal(Math.max(e.total, 1));
    b.update(e.done, payload);
    if (e.final || (e.total !== undefined && e.done >= e.total)) {
      b.stop();
      active.delete(key);
      // The last bar done: end the display, leaving the bars' final state on screen.
      if (active.size === 0) stop();
    }
  };
  Object.assign(log, { progress, stop });
  return log;
}

/** `3.2/10.0 MB`, or in kB when the whole is under a megabyte (a model card, a small dataset). */
function bytesOf(done: number, total: number): string {
  const [div, unit] = total < 1048576 ? [1024, "kB"] : [1048576, "MB"];
  return `${(done / div).toFixed(1)}/${(total / div).toFixed(1)} ${unit}`;
}
