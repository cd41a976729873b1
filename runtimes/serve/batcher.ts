/**
 * Dynamic batching, timing logic only (no I/O, no onnxruntime): requests queue their rows and
 * a batch is flushed on the next event-loop turn, or as soon as `maxBatch` rows wait. Why not
 * a fixed timer: a 2 ms window made throughput 9× worse at one connection (perf-baselines §3),
 * while flushing on the next turn batches exactly what arrived together.
 *
 * `maxDelayMs > 0` lets a batch that is *still filling* (more rows arrived since the last
 * turn) wait further turns, never longer than `maxDelayMs` after its oldest row. At most one
 * batch runs at a time (session.run is synchronous anyway); rows that arrive meanwhile form
 * the next batch. The clock and "next turn" come from a `Scheduler`, so tests drive it.
 */

export interface BatchItem {
  /** Model rows this request carries (≥ 1). */
  readonly rows: number;
}

export interface Scheduler {
  now(): number;
  /** Runs `fn` on the next event-loop turn (setImmediate in production). */
  defer(fn: () => void): void;
}

export interface BatcherOptions {
  readonly maxBatch: number;
  readonly maxDelayMs: number;
  /** Most rows waiting (not yet running); `offer` refuses beyond it. */
  readonly queueRows: number;
}

/** Runs one batch and answers every item in it. May be synchronous. */
export type BatchRunner<T> = (items: readonly T[], rows: number) => void | Promise<void>;

export const realScheduler: Scheduler = { now: () => performance.now(), defer: (fn) => void setImmediate(fn) };

interface Queued<T> {
  readonly item: T;
  readonly at: number;
}

export class Batcher<T extends BatchItem> {
  readonly #opts: BatcherOptions;
  readonly #run: BatchRunner<T>;
  readonly #sched: Scheduler;
  readonly #onError: (items: readonly T[], err: unknown) => void;
  #queue: Queued<T>[] = [];
  #head = 0;
  #rows = 0;
  #scheduled = false;
  #running = false;
  #rowsAtLastTick = 0;
  #idleWaiters: (() => void)[] = [];

  /** `onError` answers the items of a batch whose runner threw (the runner answers the rest). */
  constructor(opts: BatcherOptions, run: BatchRunner<T>, onError: (items: readonly T[], err: unknown) => void, sched: Scheduler = realScheduler) {
    this.#opts = opts;
    this.#run = run;
    this.#onError = onError;
    this.#sched = sched;
  }

  /** Rows waiting (not counting a running batch). */
  get queuedRows(): number {
    return this.#rows;
  }

  get running(): boolean {
    return this.#running;
  }

  /** Queues an item; false when the queue is full (the caller answers 503). An item always fits an empty queue. */
  offer(item: T): boolean {
    if (this.#rows > 0 && this.#rows + item.rows > this.#opts.queueRows) return false;
    this.#queue.push({ item, at: this.#sched.now() });
    this.#rows += item.rows;
    this.#schedule();
    return true;
  }

  /** Resolves when nothing waits and nothing runs. */
  idle(): Promise<void> {
    if (this.#rows === 0 && !this.#running) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #schedule(): void {
    if (this.#scheduled || this.#running) return;
    this.#scheduled = true;
    this.#sched.defer(() => this.#tick());
  }

  #tick(): void {
    this.#scheduled = false;
    if (this.#running || this.#rows === 0) return;
    const filling = this.#rows > this.#rowsAtLastTick;
    const oldest = this.#queue[this.#head]!.at;
    if (this.#rows < this.#opts.maxBatch && filling && this.#opts.maxDelayMs > 0 && this.#sched.now() - oldest < this.#opts.maxDelayMs) {
      this.#rowsAtLastTick = this.#rows;
      this.#schedule();
      return;
    }
    this.#flush();
  }

  #flush(): void {
    const items: T[] = [];
    let rows = 0;
    while (this.#head < this.#queue.length) {
      const next = this.#queue[this.#head]!.item;
      // A single request larger than maxBatch runs alone rather than being split.
      if (items.length > 0 && rows + next.rows > this.#opts.maxBatch) break;
      items.push(next);
      rows += next.rows;
      this.#head++;
    }
    this.#rows -= rows;
    if (this.#head === this.#queue.length) {
      this.#queue = [];
      this.#head = 0;
    } else if (this.#head > 1024) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
    this.#rowsAtLastTick = 0;
    this.#running = true;
    let result: void | Promise<void>;
    try {
      result = this.#run(items, rows);
    } catch (err) {
      this.#onError(items, err);
      this.#done();
      return;
    }
    if (result && typeof result.then === "function") {
      result.then(
        () => this.#done(),
        (err: unknown) => {
          this.#onError(items, err);
          this.#done();
        },
      );
    } else {
      this.#done();
    }
  }

  #done(): void {
    this.#running = false;
    if (this.#rows > 0) this.#schedule();
    else if (this.#idleWaiters.length > 0) {
      const waiters = this.#idleWaiters;
      this.#idleWaiters = [];
      for (const w of waiters) w();
    }
  }
}
