/**
 * Progress for long work: plain lines on stderr, one every N items or bytes, never a
 * spinner (logs in CI and `make` stay readable). Tests pass a collecting logger.
 */

/** Where lifecycle runtimes write human-readable lines. */
export type Log = (line: string) => void;

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
