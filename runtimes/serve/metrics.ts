/**
 * Prometheus metrics: one prom-client Registry per server (two servers in one process never
 * share counters) renders everything. Per-request families are fast-metrics.ts series (an
 * array increment per update); gauges are prom-client's and are read at scrape time.
 */
import { createRequire } from "node:module";
import type * as Prom from "prom-client";
import { FastCounter, FastHistogram, type CounterSeries, type HistogramSeries } from "./fast-metrics.js";

// prom-client's index also loads its Pushgateway (https, zlib), Summary (tdigest), cluster
// aggregation and default metrics: ~8x the import time of the two classes used here, paid
// on every cold start. Its package has no `exports` map, so the class files load directly.
const require = createRequire(import.meta.url);
const Registry: typeof Prom.Registry = require("prom-client/lib/registry");
const Gauge: typeof Prom.Gauge = require("prom-client/lib/gauge");
type LabelValues<T extends string> = Prom.LabelValues<T>;

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const ROW_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

export interface ModelLabels {
  readonly name: string;
  readonly version: string;
  /** The alias the version was picked through, "" when none. */
  readonly alias: string;
  readonly specHash: string;
}

export class ServerMetrics {
  readonly registry = new Registry();
  readonly #requests = new FastCounter("mesh_http_requests_total", "HTTP requests answered, by route template and status.");
  readonly #latency = new FastHistogram("mesh_http_request_duration_seconds", "Time from request arrival to response, by route template and status.", LATENCY_BUCKETS);
  readonly #errors = new FastCounter("mesh_http_errors_total", "Error responses, by error code.");
  readonly #batchRows: HistogramSeries;
  readonly #queueWait = new FastHistogram("mesh_queue_wait_seconds", "Time a request waited in the batch queue before its model call started.", LATENCY_BUCKETS);
  readonly #queueWaitSeries = this.#queueWait.series();
  readonly #compute = new FastHistogram("mesh_compute_seconds", "Time of one model call (encode + session.run + responses).", LATENCY_BUCKETS);
  readonly #computeSeries = this.#compute.series();
  readonly #tokens = new FastCounter("mesh_tokens_total", "Tokens fed to a transformer: kind=real are the texts' own, kind=padding fill batches to their longest sequence.");
  readonly #realTokens = this.#tokens.series({ kind: "real" });
  readonly #paddingTokens = this.#tokens.series({ kind: "padding" });
  readonly #children = new Map<string, { count: CounterSeries; latency: HistogramSeries }>();
  readonly #errorChildren = new Map<string, CounterSeries>();
  readonly #unparsed = new Map<string, CounterSeries>();

  constructor(model: ModelLabels, queueDepth: () => number, ready: () => boolean) {
    const registers = [this.registry];
    const batchRows = new FastHistogram("mesh_batch_rows", "Rows per model call.", ROW_BUCKETS);
    this.#batchRows = batchRows.series();
    for (const m of [this.#requests, this.#latency, this.#errors, batchRows, this.#queueWait, this.#compute, this.#tokens]) {
      this.registry.registerMetric(m as unknown as Prom.Metric);
    }
    new Gauge({
      name: "mesh_queue_rows",
      help: "Rows waiting in the batch queue.",
      registers,
      collect() {
        this.set(queueDepth());
      },
    });
    new Gauge({
      name: "mesh_ready",
      help: "1 when the server is ready (model loaded, warm-up passed, not draining).",
      registers,
      collect() {
        this.set(ready() ? 1 : 0);
      },
    });
    const info = new Gauge({
      name: "mesh_model_info",
      help: "The served model version and the alias it was picked through (value is always 1).",
      labelNames: ["name", "version", "alias", "spec_hash"],
      registers,
    });
    info.set({ name: model.name, version: model.version, alias: model.alias, spec_hash: model.specHash } as LabelValues<"name" | "version" | "alias" | "spec_hash">, 1);
  }

  request(route: string, status: number, seconds: number): void {
    const key = `${route} ${status}`;
    let child = this.#children.get(key);
    if (!child) {
      const labels = { route, status: String(status) };
      child = { count: this.#requests.series(labels), latency: this.#latency.series(labels) };
      this.#children.set(key, child);
    }
    child.count.inc();
    child.latency.observe(seconds);
  }

  /**
   * An answer the server wrote for something that never became a request — the HTTP parser
   * refused it (400, 413, 431) or its headers did not arrive in time (408), or a CONNECT:
   * counted under route "unparsed" and by error code. It has no arrival time, so no latency.
   */
  unparsed(status: number, code: string): void {
    const key = `unparsed ${status}`;
    let child = this.#unparsed.get(key);
    if (!child) {
      child = this.#requests.series({ route: "unparsed", status: String(status) });
      this.#unparsed.set(key, child);
    }
    child.inc();
    this.error(code);
  }

  error(code: string): void {
    let child = this.#errorChildren.get(code);
    if (!child) {
      child = this.#errors.series({ code });
      this.#errorChildren.set(code, child);
    }
    child.inc();
  }

  batch(rows: number, computeSeconds: number): void {
    this.#batchRows.observe(rows);
    this.#computeSeries.observe(computeSeconds);
  }

  /** Token counts of one transformer batch: the real ones and the padding added to align them. */
  tokens(real: number, padding: number): void {
    this.#realTokens.inc(real);
    this.#paddingTokens.inc(padding);
  }

  queueWait(seconds: number): void {
    this.#queueWaitSeries.observe(seconds);
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
