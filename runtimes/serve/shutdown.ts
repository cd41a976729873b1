/**
 * Graceful drain: readiness turns 503, the listener closes (no new connections), idle
 * keep-alive connections close, in-flight requests finish (their responses carry
 * `Connection: close`), then the session is released. After `drainMs` the remaining
 * connections are closed by force; either way the process may exit 0 (documented).
 */
import type { Server } from "node:http";

export interface Drainable {
  readonly server: Server;
  /** Requests accepted and not yet answered. */
  inflight(): number;
  /** Resolves when the predictor has nothing queued or running. */
  idle(): Promise<void>;
  /** Called with a resolver the request path invokes when inflight drops to 0. */
  onIdle(cb: () => void): void;
  markDraining(): void;
}

/** Drains; resolves `"drained"` when every in-flight request finished, `"forced"` at the deadline. */
export async function drain(d: Drainable, deadlineMs: number): Promise<"drained" | "forced"> {
  d.markDraining();
  const closed = new Promise<void>((resolve) => d.server.close(() => resolve()));
  d.server.closeIdleConnections();
  const finished = (async () => {
    if (d.inflight() > 0) await new Promise<void>((resolve) => d.onIdle(resolve));
    await d.idle();
    return "drained" as const;
  })();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<"forced">((resolve) => {
    timer = setTimeout(() => resolve("forced"), deadlineMs);
  });
  const outcome = await Promise.race([finished, deadline]);
  clearTimeout(timer);
  d.server.closeAllConnections();
  await closed;
  return outcome;
}
