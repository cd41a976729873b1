/**
 * Exit codes of `mesh run` (also inside the step images): 1 for a failure that may pass when
 * retried (a network error, a registry that was briefly unreachable), and its own code for a
 * failed gate — a train gate missed, a compiled model out of tolerance — which fails the same
 * way on every retry with the same inputs. Orchestrators retry on 1 and never on
 * EXIT_GATE_FAILED (the generated Argo WorkflowTemplate's retryStrategy reads it).
 */
export const EXIT_FAILURE = 1;
export const EXIT_GATE_FAILED = 3;

/**
 * A user-facing lifecycle failure: bad data, an unreachable source, a missed gate. The CLI
 * prints `message` as one sentence and exits with `exitCode`, without a stack trace. Anything
 * else that escapes is a bug and keeps its stack.
 */
export class LifecycleError extends Error {
  override readonly name = "LifecycleError";
  /** The step that failed, for the "<step> failed: …" line. */
  readonly step: string;
  /** A quality gate refused the result: retrying with the same inputs cannot pass. */
  readonly gate: boolean;
  constructor(step: string, message: string, options?: { cause?: unknown; gate?: boolean }) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.step = step;
    this.gate = options?.gate ?? false;
  }

  get exitCode(): number {
    return this.gate ? EXIT_GATE_FAILED : EXIT_FAILURE;
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
