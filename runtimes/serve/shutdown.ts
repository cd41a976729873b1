/**
 * Graceful drain. Readiness turns 503 and answers from then on close their connection (see
 * server.ts answerPolicy for when they do not); the listener stays open until the connections
 * the kernel has already queued are accepted and the bytes already received on every socket
 * are read (a request that arrived before the signal is never mistaken for an idle
 * connection); then the listener closes and the connections that are idle now — no request
 * bytes at all — close.
 * The drain is over when the last connection has closed and the model runner is idle:
 * "drained". If that has not happened shortly before `drainMs`, every request still waiting
 * is answered 503 with Retry-After, and at `drainMs` what is still open is closed: "forced".
 * Either way the process may exit 0 (documented).
 *
 * Why not `server.close()` at once: Node's close also closes every connection it deems idle,
 * and a connection whose request is still in the kernel (the event loop was busy with other
 * requests when the signal came) or was accepted but not read yet looks idle — closing it with
 * unread bytes resets it (ECONNRESET), and closing the listener resets every connection the
 * kernel had queued but Node had not accepted. Counting requests in flight has the same blind
 * spot, so the drain counts connections instead.
 */
import type { Server } from "node:http";
import type { Socket } from "node:net";

/** The server's open connections, and how many were ever accepted. Create it right after the server. */
export class Connections {
  readonly #open = new Set<Socket>();
  #accepted = 0;

  constructor(server: Server) {
    server.on("connection", (socket: Socket) => {
      this.#accepted++;
      this.#open.add(socket);
      socket.once("close", () => this.#open.delete(socket));
    });
  }

  get open(): number {
    return this.#open.size;
  }

  get accepted(): number {
    return this.#accepted;
  }

  /** Destroys every open connection; returns how many there were. */
  destroyAll(): number {
    const n = this.#open.size;
    for (const s of this.#open) s.destroy();
    return n;
  }
}

export interface Drainable {
  readonly server: Server;
  readonly connections: Connections;
  /** From now on readiness is 503 and answers close their connection. */
  markDraining(): void;
  /** Requests answered so far (any status). */
  answered(): number;
  /** Answers every request still waiting with 503 + Retry-After; returns how many. */
  refuseUnanswered(): number;
  /** Resolves when the model runner has nothing queued or running. */
  idle(): Promise<void>;
}

export interface DrainReport {
  readonly outcome: "drained" | "forced";
  /** From the start of the drain to the last connection closed. */
  readonly ms: number;
  /** Connections open when the drain started. */
  readonly connections: number;
  /** Requests answered during the drain (including those refused at the deadline). */
  readonly answered: number;
  /** Requests that had no answer shortly before the deadline and got 503 + Retry-After. */
  readonly refused: number;
  /** Connections still open at the deadline, closed by force (a request still arriving, an answer still being written). */
  readonly reset: number;
}

/** No new connection for this long, and the listener may close. */
const QUIET_MS = 50;
/** At most this share of the budget the listener stays open after the signal (a flood of new connections cannot hold it open). */
const SETTLE_SHARE = 0.5;
/**
 * While draining, connections that became idle are closed this often: an answer written
 * before the signal that finished later, or one sent without Connection: close because its
 * request's body was still unread (server.ts answerPolicy) once Node has discarded the rest.
 */
const SWEEP_MS = 100;
/** The 503s of the deadline go out this long before it (at most a tenth of the budget), so they are written within it. */
const REFUSE_BEFORE_MS = 250;

export async function drain(d: Drainable, deadlineMs: number): Promise<DrainReport> {
  const start = performance.now();
  const answeredBefore = d.answered();
  const connections = d.connections.open;
  const elapsed = () => performance.now() - start;
  d.markDraining();
  await settle(d.connections, deadlineMs * SETTLE_SHARE);
  const closed = new Promise<void>((resolve) => d.server.close(() => resolve()));
  const sweep = setInterval(() => d.server.closeIdleConnections(), SWEEP_MS);
  const finished = closed.then(() => d.idle()).then(() => true as const);
  const report = (outcome: DrainReport["outcome"], refused: number, reset: number): DrainReport => ({
    outcome,
    ms: Math.round(elapsed()),
    connections,
    answered: d.answered() - answeredBefore,
    refused,
    reset,
  });
  try {
    const refuseAt = deadlineMs - Math.min(REFUSE_BEFORE_MS, Math.floor(deadlineMs / 10));
    if (await within(finished, refuseAt - elapsed())) return report("drained", 0, 0);
    const refused = d.refuseUnanswered();
    if (await within(finished, deadlineMs - elapsed())) return report("forced", refused, 0);
    const reset = d.connections.destroyAll();
    await closed;
    return report("forced", refused, reset);
  } finally {
    clearInterval(sweep);
  }
}

/**
 * Lets the event loop accept what is queued for this server and read what every socket has
 * received, then returns once no connection came for QUIET_MS (or at `maxMs`).
 * - libuv accepts one connection per loop iteration when the loop has other work pending (a
 *   poll with timeout 0; measured: 20 queued connections took 20 iterations), and a
 *   connection accepted in one poll is read in the next: so the quiet time is counted in
 *   timer turns, each of which holds a poll.
 * - The quiet time is a margin over "one poll accepted nothing" for the cases where the next
 *   connection is not yet in the kernel's queue: with the cluster primary's round-robin, a
 *   worker got one connection at a time, each an IPC round trip after the last, and closing
 *   early got the primary to reset what it still held (measured: 2–8 of 40 per SIGTERM; with
 *   a 50 ms quiet time still 1 in half the runs, so workers.ts has the workers accept from the
 *   kernel's queue themselves).
 */
async function settle(c: Connections, maxMs: number): Promise<void> {
  const now = () => performance.now();
  const until = now() + maxMs;
  // A timer, not setImmediate: with nothing else to do, the poll then waits, and libuv
  // accepts the whole queue at once.
  const turn = () => new Promise<void>((resolve) => setTimeout(resolve, 1));
  // The drain may start inside a poll phase (the signal is read there), so the first timer
  // turn may hold no full poll: count from the second one on.
  await turn();
  let before = c.accepted;
  let quietSince = now();
  while (now() < until) {
    await turn();
    if (c.accepted !== before) {
      before = c.accepted;
      quietSince = now();
    } else if (now() - quietSince >= QUIET_MS) return;
  }
}

/** True if `p` resolved within `ms`. */
async function within(p: Promise<true>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), Math.max(0, ms));
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
