/**
 * `mesh load NAME`: a bounded autocannon run on 127.0.0.1 against the project's server,
 * request bodies from the spec's examples, checked against the spec's `slo`. autocannon is
 * a development dependency, loaded only here.
 */
import type { ProjectIR } from "../ir.js";
import { sampleRow } from "./sample-row.js";

export interface LoadOptions {
  readonly durationS: number;
  readonly connections: number;
}

export interface LoadReport {
  readonly project: string;
  readonly model: string;
  readonly url: string;
  readonly durationS: number;
  readonly connections: number;
  readonly requests: { readonly total: number; readonly perSecond: number };
  readonly latencyMs: { readonly p50: number; readonly p90: number; readonly p99: number; readonly max: number; readonly mean: number };
  readonly errors: { readonly connection: number; readonly timeouts: number; readonly non2xx: number };
  readonly slo: { readonly p99Ms: number; readonly minRps: number };
  readonly checks: { readonly p99: boolean; readonly rps: boolean; readonly errors: boolean };
  readonly ok: boolean;
}

interface AutocannonResult {
  latency: { p50: number; p90: number; p99: number; max: number; average: number };
  requests: { total: number; average: number };
  errors: number;
  timeouts: number;
  non2xx: number;
}

type Autocannon = (opts: Record<string, unknown>) => Promise<AutocannonResult>;

async function loadAutocannon(): Promise<Autocannon> {
  const name = "autocannon"; // a variable: no type declarations are needed, and it stays a dev dependency
  try {
    return ((await import(name)) as { default: Autocannon }).default;
  } catch {
    throw new Error("mesh load needs the autocannon package (a development dependency): run npm install");
  }
}

/** Request bodies: every example (its parameters included), else one neutral row. */
export function loadBodies(ir: ProjectIR): string[] {
  const ns = ir.serve.api.namespace;
  const bodies = ir.serve.examples.map((e) => JSON.stringify({ data: { namespace: ns, attributes: e.attributes, ...(Object.keys(e.parameters).length > 0 ? { parameters: e.parameters } : {}) } }));
  if (bodies.length > 0) return bodies;
  const row = sampleRow(ir);
  return [JSON.stringify({ data: { namespace: ns, attributes: row?.attributes ?? {} } })];
}

export async function runLoad(ir: ProjectIR, baseUrl: string, model: string, options: LoadOptions): Promise<LoadReport> {
  const autocannon = await loadAutocannon();
  const url = `${baseUrl}${ir.serve.api.basePath}/predict`;
  const common = {
    url,
    method: "POST",
    headers: { "content-type": "application/json" },
    requests: loadBodies(ir).map((body) => ({ method: "POST", body })),
    connections: options.connections,
    timeout: Math.max(1, Math.ceil(ir.serve.limits.timeoutMs / 1000) + 1),
  };
  // A short warm-up (not measured): JIT and allocator settle before the timed run.
  await autocannon({ ...common, duration: Math.min(1, options.durationS) });
  const r = await autocannon({ ...common, duration: options.durationS });
  const slo = ir.serve.slo;
  const checks = {
    p99: r.latency.p99 <= slo.p99Ms,
    rps: r.requests.average >= slo.minRps,
    errors: r.errors === 0 && r.timeouts === 0 && r.non2xx === 0,
  };
  return {
    project: ir.name,
    model,
    url,
    durationS: options.durationS,
    connections: options.connections,
    requests: { total: r.requests.total, perSecond: r.requests.average },
    latencyMs: { p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max, mean: r.latency.average },
    errors: { connection: r.errors, timeouts: r.timeouts, non2xx: r.non2xx },
    slo: { p99Ms: slo.p99Ms, minRps: slo.minRps },
    checks,
    ok: checks.p99 && checks.rps && checks.errors,
  };
}

/** The report as a small aligned table. */
export function loadTable(r: LoadReport): string {
  const rows: [string, string, string, boolean][] = [
    ["p99 latency", `${r.latencyMs.p99} ms`, `<= ${r.slo.p99Ms} ms`, r.checks.p99],
    ["throughput", `${Math.round(r.requests.perSecond)} req/s`, `>= ${r.slo.minRps} req/s`, r.checks.rps],
    ["errors", `${r.errors.connection + r.errors.timeouts + r.errors.non2xx}`, "0", r.checks.errors],
  ];
  const head = ["check", "measured", "slo", ""];
  const w = [0, 1, 2].map((i) => Math.max(head[i]!.length, ...rows.map((row) => String(row[i]).length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(w[i]!) : c)).join("  ");
  return [
    `${r.project}: ${r.connections} connections for ${r.durationS} s, ${r.requests.total} requests (p50 ${r.latencyMs.p50} ms, max ${r.latencyMs.max} ms)`,
    line(head),
    ...rows.map(([a, b, c, ok]) => line([a, b, c, ok ? "ok" : "MISSED"])),
  ].join("\n");
}
