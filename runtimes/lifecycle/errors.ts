/**
 * A user-facing lifecycle failure: bad data, an unreachable source, a missed gate. The CLI
 * prints `message` as one sentence and exits 1, without a stack trace. Anything else that
 * escapes is a bug and keeps its stack.
 */
export class LifecycleError extends Error {
  override readonly name = "LifecycleError";
  /** The step that failed, for the "<step> failed: …" line. */
  readonly step: string;
  constructor(step: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.step = step;
  }
}

export const isLifecycleError = (err: unknown): err is LifecycleError => err instanceof LifecycleError;

/** A short reason from any thrown value, for wrapping low-level errors into one sentence. */
export function reason(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as NodeJS.ErrnoException).code;
    return code && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}
