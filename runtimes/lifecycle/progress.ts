/**
 * Progress for long work. Runtimes write human-readable lines through a `Log`, and report
 * progress as typed `ProgressEvent`s through `emitProgress(log, event)`. The event type is
 * owned here, by the runtimes; how it is shown is the CLI's business (one renderer per output
 * mode: a live display on a TTY, throttled plain lines for pipes and CI, JSON lines). A `Log`
 * without a `progress` sink (tests, embedding) gets the event as a throttled plain line.
 */

/** One measurable piece of long work. `done` of `total` in `unit`; `fields` are shown beside it. */
export interface ProgressEvent {
  /** The lifecycle step or task: "ingest", "register", "train", "compile", "build", "upload". */
  readonly task: string;
  /** What is counted, for display: "read", "epoch", "layer"… */
  readonly label: string;
  readonly unit: "bytes" | "files" | "rows" | "epochs" | "steps";
  readonly done: number;
  readonly total?: number;
  /** Numbers beside the count: loss, the gate metric, bad rows. */
  readonly fields?: Readonly<Record<string, number | string>>;
  /** The last event of this task and label. */
  readonly final?: boolean;
}

/** Where lifecycle runtimes write human-readable lines; `progress`, when set, receives the typed events. */
export type Log = ((line: string) => void) & { readonly progress?: (event: ProgressEvent) => void };

export const stderrLog: Log = (line) => process.stderr.write(`${line}\n`);
export const silentLog: Log = () => {};

/** Emits "label: <n> unit" each time the count crosses another `every`. */
export function throttled(log: Log, label: string, unit: string, every: number) {
  let next = every;
  return (count: number) => {
    if (count >= next) {
      log(`  ${label}: ${unit === "MB" ? (count / 1048576).toFixed(0) : count} ${unit}`);
      next = (Math.floor(count / every) + 1) * every;
    }
  };
}

/** The plain line of an event (also what the CLI's plain renderer prints). */
export function describeProgress(e: ProgressEvent): string {
  const count =
    e.unit === "bytes" ? `${(e.done / 1048576).toFixed(1)}${e.total !== undefined ? `/${(e.total / 1048576).toFixed(1)}` : ""} MB` : `${e.done}${e.total !== undefined ? `/${e.total}` : ""} ${e.unit}`;
  const fields = Object.entries(e.fields ?? {}).map(([k, v]) => `${k} ${typeof v === "number" ? (Number.isInteger(v) ? v : v.toFixed(4)) : v}`);
  return `  ${e.task} ${e.label}: ${count}${fields.length ? `, ${fields.join(", ")}` : ""}`;
}

/**
 * Sends one event: to the log's progress sink, or — without one — as a plain line, at most
 * about ten per task and label (every tenth of the total, and the last).
 */
export function emitProgress(log: Log, event: ProgressEvent): void {
  if (log.progress) return log.progress(event);
  const total = event.total;
  const step = total !== undefined && total > 0 ? Math.max(1, Math.round(total / 10)) : 0;
  if (event.final || (step > 0 && event.done % step === 0)) log(describeProgress(event));
}
