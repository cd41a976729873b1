/**
 * Dynamic batching for token sequences. Requests queue their encoded sequences; one batch
 * (the same `Batcher` timing as tabular models: flush on the next turn, capped) is padded to
 * its longest sequence — never to max_length — fed to the model as INT64 `input_ids`,
 * `attention_mask` (and `token_type_ids` when the graph has them), and each request gets
 * the rows of the output that are its own. Real versus padded tokens go to `/metrics`, so
 * the cost of mixing short and long texts in one batch is visible.
 *
 * A request whose deadline passed in the queue is answered 504 alone; a failed model call
 * fails only the requests of that batch.
 */
import { Batcher, type BatchItem } from "../serve/batcher.js";
import type { ModelSession } from "../serve/session.js";
import { int64Tensor } from "../serve/session.js";
import type { ServerMetrics } from "../serve/metrics.js";
import type { Logger } from "../serve/logger.js";
import type { Encoded } from "./tokenizer.js";
import { PipelineError } from "./pipeline-error.js";

/** One request's rows of the model output: `dims[0]` sequences, padded to `dims[1]` tokens for per-token outputs. */
export interface SequenceOutput {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

interface SeqJob extends BatchItem {
  readonly sequences: readonly Encoded[];
  readonly queuedAt: number;
  readonly deadline: number;
  resolve(out: SequenceOutput): void;
  reject(err: PipelineError): void;
}

export interface SequenceRunnerOptions {
  readonly output: string;
  readonly hasTokenTypeIds: boolean;
  readonly padId: number;
  readonly batching: boolean;
  readonly maxBatch: number;
  readonly maxDelayMs: number;
  readonly queueRows: number;
}

export class SequenceRunner {
  readonly #session: ModelSession;
  readonly #opts: SequenceRunnerOptions;
  readonly #metrics: ServerMetrics | undefined;
  readonly #log: Logger | undefined;
  readonly #batcher: Batcher<SeqJob>;

  constructor(session: ModelSession, opts: SequenceRunnerOptions, metrics?: ServerMetrics, log?: Logger) {
    this.#session = session;
    this.#opts = opts;
    this.#metrics = metrics;
    this.#log = log;
    // Batching off means one request per model call, not one sequence: a request's own
    // sequences (NER sentences, keyword candidates) always run together.
    const maxBatch = opts.batching ? opts.maxBatch : 1;
    this.#batcher = new Batcher<SeqJob>(
      { maxBatch, maxDelayMs: opts.batching ? opts.maxDelayMs : 0, queueRows: opts.queueRows },
      (jobs, rows) => this.#run(jobs, rows),
      (jobs, err) => {
        this.#log?.error({ err, jobs: jobs.length }, "model inference failed");
        for (const j of jobs) j.reject(new PipelineError(500, "inference_failed", "the model failed to run this batch"));
      },
    );
  }

  get queuedRows(): number {
    return this.#batcher.queuedRows;
  }

  idle(): Promise<void> {
    return this.#batcher.idle();
  }

  /** Runs `sequences` (at least one) through the model; rejects with a PipelineError (503 when the queue is full). */
  run(sequences: readonly Encoded[], deadline: number): Promise<SequenceOutput> {
    return new Promise((resolve, reject) => {
      const job: SeqJob = { rows: sequences.length, sequences, queuedAt: performance.now(), deadline, resolve, reject };
      if (!this.#batcher.offer(job)) reject(new PipelineError(503, "queue_full", "the server is overloaded; retry shortly"));
    });
  }

  async #run(jobs: readonly SeqJob[], rows: number): Promise<void> {
    const start = performance.now();
    const live: SeqJob[] = [];
    let n = 0;
    let longest = 1;
    let real = 0;
    for (const job of jobs) {
      if (start > job.deadline) {
        job.reject(new PipelineError(504, "timeout", "the request waited longer than the server's timeout for the model"));
        continue;
      }
      live.push(job);
      this.#metrics?.queueWait((start - job.queuedAt) / 1000);
      for (const s of job.sequences) {
        n++;
        real += s.ids.length;
        if (s.ids.length > longest) longest = s.ids.length;
      }
    }
    if (n === 0) return;
    const ids = new BigInt64Array(n * longest).fill(BigInt(this.#opts.padId));
    const mask = new BigInt64Array(n * longest);
    const types = this.#opts.hasTokenTypeIds ? new BigInt64Array(n * longest) : undefined;
    let row = 0;
    for (const job of live) {
      for (const s of job.sequences) {
        const base = row * longest;
        for (let t = 0; t < s.ids.length; t++) {
          ids[base + t] = BigInt(s.ids[t]!);
          mask[base + t] = BigInt(s.attention[t] ?? 1);
          if (types) types[base + t] = BigInt(s.typeIds[t] ?? 0);
        }
        row++;
      }
    }
    const dims = [n, longest];
    const feeds = { input_ids: int64Tensor(ids, dims), attention_mask: int64Tensor(mask, dims), ...(types ? { token_type_ids: int64Tensor(types, dims) } : {}) };
    const outputs = await this.#session.run(feeds);
    const out = outputs[this.#opts.output];
    if (!out) throw new Error(`the model returned no output named ${this.#opts.output}`);
    const data = out.data as Float32Array;
    const perRow = data.length / n;
    let first = 0;
    for (const job of live) {
      const count = job.sequences.length;
      job.resolve({ data: data.subarray(first * perRow, (first + count) * perRow), dims: [count, ...out.dims.slice(1)] });
      first += count;
    }
    this.#metrics?.batch(rows, (performance.now() - start) / 1000);
    this.#metrics?.tokens(real, n * longest - real);
  }
}
