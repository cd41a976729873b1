/**
 * The I/O side of batching: turns queued jobs into one input tensor, runs the session, and
 * hands each job its own rows of the outputs. A job that fails to encode, or has timed out
 * in the queue, is answered alone; the rest of its batch still runs. With batching disabled
 * every job is one `session.run`.
 */
import { Batcher, type BatchItem } from "./batcher.js";
import { floatTensor, type ModelSession, type Outputs } from "./session.js";
import type { ServerMetrics } from "./metrics.js";
import type { Logger } from "./logger.js";

export interface Job extends BatchItem {
  /** When the job was queued (performance.now()) and when it must be answered by. */
  readonly queuedAt: number;
  readonly deadline: number;
  /** Writes this job's rows into `out` from `offset` (the region is zeroed). May throw. */
  fill(out: Float32Array, offset: number): void;
  /** Answers with rows `[rowStart, rowStart + rows)` of every output. */
  done(outputs: Outputs, rowStart: number): void;
  fail(status: number, code: string, detail: string): void;
}

export interface PredictorOptions {
  readonly inputName: string;
  /** Values per row of the input tensor (its non-batch dims multiplied). */
  readonly width: number;
  /** Non-batch dims of the input, e.g. [4096]. */
  readonly rowDims: readonly number[];
  readonly batching: boolean;
  readonly maxBatch: number;
  readonly maxDelayMs: number;
  readonly queueRows: number;
}

export class Predictor {
  readonly #session: ModelSession;
  readonly #opts: PredictorOptions;
  readonly #metrics: ServerMetrics;
  readonly #log: Logger;
  readonly #batcher: Batcher<Job> | undefined;
  #buffer: Float32Array;
  #inflight = 0;
  #idleWaiters: (() => void)[] = [];

  constructor(session: ModelSession, opts: PredictorOptions, metrics: ServerMetrics, log: Logger) {
    this.#session = session;
    this.#opts = opts;
    this.#metrics = metrics;
    this.#log = log;
    this.#buffer = new Float32Array(Math.max(1, opts.batching ? opts.maxBatch : 1) * opts.width);
    this.#batcher = opts.batching
      ? new Batcher<Job>(
          { maxBatch: opts.maxBatch, maxDelayMs: opts.maxDelayMs, queueRows: opts.queueRows },
          (jobs) => this.#run(jobs),
          (jobs, err) => this.#failAll(jobs, err),
        )
      : undefined;
  }

  get queuedRows(): number {
    return this.#batcher?.queuedRows ?? 0;
  }

  /** Queues (or, unbatched, runs) a job; false when the queue is full. */
  submit(job: Job): boolean {
    if (this.#batcher) return this.#batcher.offer(job);
    this.#inflight++;
    this.#run([job])
      .catch((err: unknown) => this.#failAll([job], err))
      .finally(() => {
        if (--this.#inflight === 0) for (const w of this.#idleWaiters.splice(0)) w();
      });
    return true;
  }

  /** Resolves when no job waits or runs (used by graceful shutdown). */
  async idle(): Promise<void> {
    if (this.#batcher) await this.#batcher.idle();
    if (this.#inflight > 0) await new Promise<void>((resolve) => this.#idleWaiters.push(resolve));
  }

  async #run(jobs: readonly Job[]): Promise<void> {
    const start = performance.now();
    const live: Job[] = [];
    let liveRows = 0;
    for (const job of jobs) {
      if (start > job.deadline) job.fail(504, "timeout", "the request waited longer than the server's timeout for the model");
      else {
        live.push(job);
        liveRows += job.rows;
        this.#metrics.queueWait((start - job.queuedAt) / 1000);
      }
    }
    if (liveRows === 0) return;
    const width = this.#opts.width;
    const size = liveRows * width;
    // Reused between batches: only one batch runs at a time and onnxruntime reads the input
    // during the call. A request larger than the buffer grows it once.
    if (this.#buffer.length < size) this.#buffer = new Float32Array(size);
    const input = this.#buffer.length === size ? this.#buffer : this.#buffer.subarray(0, size);
    input.fill(0);
    const ok: Job[] = [];
    const starts: number[] = [];
    let offset = 0;
    for (const job of live) {
      try {
        job.fill(input, offset * width);
        ok.push(job);
        starts.push(offset);
      } catch (err) {
        input.fill(0, offset * width, (offset + job.rows) * width);
        this.#log.error({ err, rows: job.rows }, "encoding a request failed");
        job.fail(500, "encode_failed", "the server failed to encode this request's features");
      }
      offset += job.rows;
    }
    if (ok.length === 0) return;
    const tensor = floatTensor(input, [liveRows, ...this.#opts.rowDims]);
    const outputs = await this.#session.run({ [this.#opts.inputName]: tensor });
    ok.forEach((job, i) => {
      try {
        job.done(outputs, starts[i]!);
      } catch (err) {
        this.#log.error({ err }, "building a response failed");
        job.fail(500, "respond_failed", "the server failed to build this request's response");
      }
    });
    this.#metrics.batch(liveRows, (performance.now() - start) / 1000);
  }

  #failAll(jobs: readonly Job[], err: unknown): void {
    this.#log.error({ err, jobs: jobs.length }, "model inference failed");
    for (const job of jobs) job.fail(500, "inference_failed", "the model failed to run this batch");
  }
}
