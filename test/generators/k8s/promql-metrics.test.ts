/**
 * The PromQL of the generated cluster objects (canary AnalysisTemplate, PrometheusRule alerts,
 * KEDA's prometheus trigger) names only metrics the server really exports: a real generated
 * server (spam, through serveProject as `mesh serve` runs it) answers inference requests, its
 * `/metrics` is scraped, and every metric name parsed out of every query must be there — with
 * the labels the queries select on, and with the route values the queries match.
 * Needs the built runtime (`npm run build`): the generated main.js imports dist/.
 */
import { existsSync, mkdirSync, copyFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { serveProject } from "../../../compiler/serve/serve-project.js";
import type { ProjectIR } from "../../../compiler/ir.js";
import { ROLLOUT_HASH_SERIES_LABEL, inferenceRoutes } from "../../../generators/k8s/promql.js";
import { buildDenseModel } from "../../support/onnx-models.js";
import { call, postJson } from "../../support/serve/helpers.js";
import { EXAMPLES, ROOT, exampleIr, k8sFiles, parseYaml } from "../../support/k8s/support.js";
import { withServe } from "../../support/k8s/variants.js";

const WS = join(ROOT, ".vitest-tmp", `promql-ws-${process.pid}`);

/** Labels Prometheus adds from the scrape target (ServiceMonitor), not the server. */
const TARGET_LABELS = new Set(["service", "namespace", "pod", "job", "instance", ROLLOUT_HASH_SERIES_LABEL]);
const PROMQL_WORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless", "offset", "le", "inf", "nan"]);

/** Every PromQL expression in a generated object, wherever it sits. */
function queries(o: Record<string, unknown>): string[] {
  if (o.kind === "AnalysisTemplate") return (o.spec as { metrics: { provider: { prometheus: { query: string } } }[] }).metrics.map((m) => m.provider.prometheus.query);
  if (o.kind === "PrometheusRule") return (o.spec as { groups: { rules: { expr: string }[] }[] }).groups.flatMap((g) => g.rules.map((r) => r.expr));
  if (o.kind === "ScaledObject") return (o.spec as { triggers: { type: string; metadata: { query?: string } }[] }).triggers.filter((t) => t.type === "prometheus").map((t) => t.metadata.query!);
  return [];
}

/** Metric selectors of a query: each metric name with the matchers in its braces (label+op → value). */
function selectors(query: string): { metric: string; labels: Map<string, string> }[] {
  // Strings first, so nothing inside a quoted value reads as a name; then range durations and
  // the label lists of by (…) / on (…), which hold label names, not metrics.
  const strings: string[] = [];
  const text = query
    .replace(/"(?:[^"\\]|\\.)*"/g, (s) => `__S${strings.push(JSON.parse(s) as string) - 1}__`)
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ");
  const out: { metric: string; labels: Map<string, string> }[] = [];
  for (const m of text.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\{[^}]*\})?/g)) {
    const [whole, name, braces] = m;
    const next = text.slice(m.index + whole.length).trimStart()[0];
    if (/^__S\d+__$/.test(name!) || PROMQL_WORDS.has(name!.toLowerCase())) continue;
    if (!braces && next === "(") continue; // a function call
    const labels = new Map<string, string>();
    for (const part of (braces ?? "{}")
      .slice(1, -1)
      .split(",")
      .map((x) => x.trim())
      .filter(Boolean)) {
      const lm = /^([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*__S(\d+)__$/.exec(part);
      if (!lm) throw new Error(`cannot read matcher ${part} in ${query}`);
      labels.set(`${lm[1]}${lm[2]}`, strings[Number(lm[3])]!);
    }
    out.push({ metric: name!, labels });
  }
  return out;
}

/** Metric name → label names seen on it, and the label values seen, from the exposition text. */
function exposition(text: string): Map<string, Map<string, Set<string>>> {
  const seen = new Map<string, Map<string, Set<string>>>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? /.exec(line);
    if (!m) continue;
    const labels = seen.get(m[1]!) ?? new Map<string, Set<string>>();
    seen.set(m[1]!, labels);
    for (const lm of (m[3] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      const values = labels.get(lm[1]!) ?? new Set<string>();
      values.add(lm[2]!);
      labels.set(lm[1]!, values);
    }
  }
  return seen;
}

let scraped = new Map<string, Map<string, Set<string>>>();
let spam: ProjectIR;

beforeAll(async () => {
  if (!existsSync(join(ROOT, "dist/runtimes/serve/index.js"))) throw new Error("run `npm run build` first: the generated server imports dist/runtimes/serve");
  mkdirSync(join(WS, "projects/spam"), { recursive: true });
  copyFileSync(join(ROOT, "projects/spam/project.yaml"), join(WS, "projects/spam/project.yaml"));
  const model = join(WS, "spam.onnx");
  writeFileSync(model, buildDenseModel({ sizes: [4096, 2], inputName: "features", outputName: "probabilities" }));
  const err = new PassThrough();
  const out = new PassThrough();
  out.resume();
  let messages = "";
  err.on("data", (c) => (messages += c));
  const abort = new AbortController();
  const done = serveProject({ root: WS, cwd: WS, name: "spam", port: 0, model, err, out, signal: abort.signal });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      err.on("data", () => {
        const m = /is ready at (http:\/\/127\.0\.0\.1:\d+)\//.exec(messages);
        if (m) resolve(m[1]!);
      });
      void done.then((code) => reject(new Error(`serveProject ended with ${code}: ${messages}`)));
    });
    expect((await postJson(url, "/spam/v1/predict", { data: { namespace: "spam", attributes: { text: "WIN a FREE cruise" } } })).status).toBe(200);
    // A refused v2 request still counts under its route template.
    expect((await call(url, "POST", "/v2/models/spam/infer", "{}")).status).toBe(400);
    // A health check, which the SLO queries must not count.
    expect((await call(url, "GET", "/spam/v1/live")).status).toBe(200);
    scraped = exposition((await call(url, "GET", "/metrics")).text);
  } finally {
    abort.abort();
    await done;
  }
  spam = await exampleIr("spam");
}, 60_000);
afterAll(() => rmSync(WS, { recursive: true, force: true }));

async function allQueries(): Promise<{ where: string; query: string }[]> {
  const irs: ProjectIR[] = [];
  for (const name of [...EXAMPLES, "sentiment"]) irs.push(await exampleIr(name));
  const sentiment = await exampleIr("sentiment");
  irs.push(withServe(await exampleIr("spam"), { release: sentiment.serve.release, autoscale: sentiment.serve.autoscale }));
  return irs.flatMap((ir) =>
    k8sFiles(ir)
      .filter((f) => !f.path.endsWith("kustomization.yaml") && !f.path.includes("/overlays/"))
      .flatMap((f) => queries(parseYaml(f)).map((query) => ({ where: `${ir.name} ${f.path}`, query }))),
  );
}

describe("generated PromQL against a real server's /metrics", () => {
  test("the generated objects hold canary, alert and autoscaler queries", async () => {
    const kinds = (await allQueries()).map((q) => q.where.split("/").at(-1));
    expect(new Set(kinds)).toEqual(new Set(["analysistemplate.yaml", "prometheusrule.yaml", "scaledobject.yaml"]));
  });

  test("every metric a query names is exported, with every label the query selects on", async () => {
    const checked = new Set<string>();
    for (const { where, query } of await allQueries()) {
      const found = selectors(query);
      expect(found.length, `${where}: ${query}`).toBeGreaterThan(0);
      for (const { metric, labels } of found) {
        expect(scraped.has(metric), `${where}: ${metric} is not in /metrics (${[...scraped.keys()].join(", ")})`).toBe(true);
        for (const key of labels.keys()) {
          const label = key.replace(/(=~|!~|!=|=)$/, "");
          if (TARGET_LABELS.has(label)) continue;
          expect(scraped.get(metric)!.has(label), `${where}: ${metric} has no label ${label}`).toBe(true);
        }
        checked.add(metric);
      }
    }
    expect([...checked].sort()).toEqual(["mesh_http_request_duration_seconds_bucket", "mesh_http_requests_total", "mesh_queue_rows", "mesh_ready"]);
  });

  test("the route matcher selects the inference routes the server labels its series with, and nothing else", async () => {
    const routes = scraped.get("mesh_http_requests_total")!.get("route")!;
    const matcher = selectors((await allQueries()).find((q) => q.where.startsWith("spam") && q.query.includes("route=~"))!.query)[0]!.labels.get("route=~")!;
    const re = new RegExp(`^(?:${matcher})$`);
    expect([...routes].filter((r) => re.test(r)).sort()).toEqual([...inferenceRoutes(spam)].sort());
    // The scrape saw other routes too (the matcher really selects).
    expect(routes.size).toBeGreaterThan(inferenceRoutes(spam).length);
  });

  test("the name parser reads functions, grouping and strings correctly", () => {
    expect(selectors('histogram_quantile(0.99, sum by (le) (rate(a_bucket{x="by(y)", route=~"/p|/q"}[2m]))) or vector(0)').map((s) => s.metric)).toEqual(["a_bucket"]);
    expect(selectors('sum(b{s="1"}) / sum(c)').map((s) => s.metric)).toEqual(["b", "c"]);
  });
});
