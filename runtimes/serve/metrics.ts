/**
 * Prometheus metrics (prom-client), one Registry per server so two servers in one process
 * (tests) never share counters. Hot-path label children are cached: prom-client hashes the
 * label object on every call otherwise. The queue depth is read at scrape time (collect), so
 * it costs nothing per request.
 */
import { createRequire } from "node:module";
import type * as Prom from "prom-client";

// prom-client's index also loads its Pushgateway (https, zlib), Summary (tdigest), cluster
// aggregation and default metrics: ~8x the import time of the four classes used here, paid
// on every cold start. Its package has no `exports` map, so the class files load directly.
const require = createRequire(import.meta.url);
const Registry: typeof Prom.Registry = require("prom-client/lib/registry");
const Counter: typeof Prom.Counter = require("prom-client/lib/counter");
const Gauge: typeof Prom.Gauge = require("prom-client/lib/gauge");
const Histogram: typeof Prom.Histogram = require("prom-client/lib/histogram");
type Counter<T extends string> = Prom.Counter<T>;
type Histogram<T extends string> = Prom.Histogram<T>;
type LabelValues<T extends string> = Prom.LabelValues<T>;

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
const ROW_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512];

export interface ModelLabels {
  readonly name: string;
  readonly version: string;
  readonly specHash: string;
}

type Observer = { observe(v: number): void };
type Incrementer = { inc(v?: number): void };

export class ServerMetrics {
  readonly registry = new Registry();
  readonly #requests: Counter<"route" | "status">;
  readonly #latency: Histogram<"route" | "status">;
  readonly #errors: Counter<"code">;
  readonly #batchRows: Histogram<string>;
  readonly #queueWait: Histogram<string>;
  readonly #compute: Histogram<string>;
  readonly #children = new Map<string, { count: Incrementer; latency: Observer }>();
  readonly #errorChildren = new Map<string, Incrementer>();

  constructor(model: ModelLabels, queueDepth: () => number, ready: () => boolean) {
    const registers = [this.registry];
    this.#requests = new Counter({ name: "mesh_http_requests_total", help: "HTTP requests answered, by route template and status.", labelNames: ["route", "status"], registers });
    this.#latency = new Histogram({ name: "mesh_http_request_duration_seconds", help: "Time from request arrival to response, by route template and status.", labelNames: ["route", "status"], buckets: LATENCY_BUCKETS, registers });
    this.#errors = new Counter({ name: "mesh_http_errors_total", help: "Error responses, by error code.", labelNames: ["code"], registers });
    this.#batchRows = new Histogram({ name: "mesh_batch_rows", help: "Rows per model call.", buckets: ROW_BUCKETS, registers });
    this.#queueWait = new Histogram({ name: "mesh_queue_wait_seconds", help: "Time a request waited in the batch queue before its model call started.", buckets: LATENCY_BUCKETS, registers });
    this.#compute = new Histogram({ name: "mesh_compute_seconds", help: "Time of one model call (encode + session.run + decode of outputs).", buckets: LATENCY_BUCKETS, registers });
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
    const info = new Gauge({ name: "mesh_model_info", help: "The served model version (value is always 1).", labelNames: ["name", "version", "spec_hash"], registers });
    info.set({ name: model.name, version: model.version, spec_hash: model.specHash } as LabelValues<"name" | "version" | "spec_hash">, 1);
  }

  request(route: string, status: number, seconds: number): void {
    const key = `${route} ${status}`;
    let child = this.#children.get(key);
    if (!child) {
      const labels = { route, status: String(status) };
      child = { count: this.#requests.labels(labels), latency: this.#latency.labels(labels) };
      this.#children.set(key, child);
    }
    child.count.inc();
    child.latency.observe(seconds);
  }

  error(code: string): void {
    let child = this.#errorChildren.get(code);
    if (!child) {
      child = this.#errors.labels({ code });
      this.#errorChildren.set(code, child);
    }
    child.inc();
  }

  batch(rows: number, computeSeconds: number): void {
    this.#batchRows.observe(rows);
    this.#compute.observe(computeSeconds);
  }

  queueWait(seconds: number): void {
    this.#queueWait.observe(seconds);
  }

  async text(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
