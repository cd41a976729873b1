/**
 * The contract tests of a running generated server: every spec example through the
 * generated client, and the protocol checks of CONTRACTS.md (probes, bio, the OpenAPI
 * document, docs, V2, metrics, bad requests get 4xx with a pointer, V2 agrees with v1).
 * Each check is independent: one failure never hides the others.
 */
import type { ProjectIR } from "../ir.js";
import type { GeneratedClient } from "./client-shape.js";
import { close, mismatches } from "./expect-match.js";
import { expectError, postEarlyAnswer, raw } from "./http-probe.js";
import { sampleRow } from "./sample-row.js";

export interface CheckResult {
  readonly name: string;
  readonly ok: boolean;
  readonly detail?: string;
}

export interface ContractContext {
  readonly ir: ProjectIR;
  readonly baseUrl: string;
  readonly client: GeneratedClient;
  /** The parsed `out/<name>/openapi.json`. */
  readonly openapiFile: unknown;
}

type Check = readonly [name: string, run: () => Promise<string | undefined>];

const fail = (cond: boolean, detail: string): string | undefined => (cond ? undefined : detail);

function exampleChecks(ctx: ContractContext): Check[] {
  const { ir, client } = ctx;
  const checks: Check[] = ir.serve.examples.map((e) => [
    `example "${e.name}"`,
    async () => {
      const answer = await client.predict(e.attributes, Object.keys(e.parameters).length > 0 ? e.parameters : undefined);
      const bad = expectMismatches(ir, answer, e.expect);
      const missing = ir.serve.api.response.filter((f) => !(f.name in answer)).map((f) => `missing field ${f.name}`);
      return fail(bad.length + missing.length === 0, [...missing, ...bad].join("; "));
    },
  ]);
  // Rows of one batch share parameters: batch the examples without parameters together.
  const plain = ir.serve.examples.filter((e) => Object.keys(e.parameters).length === 0);
  if (plain.length > 0) {
    checks.push([
      `batch of ${plain.length} example(s) answers in order`,
      async () => {
        const batch = await client.predictBatch(plain.map((e) => e.attributes));
        if (batch.length !== plain.length) return `expected ${plain.length} answers, got ${batch.length}`;
        const singles = await Promise.all(plain.map((e) => client.predict(e.attributes)));
        const bad = batch.flatMap((b, i) => mismatches(b, singles[i]).map((m) => `row ${i} ${m}`));
        return fail(bad.length === 0, bad.join("; "));
      },
    ]);
  }
  return checks;
}

function protocolChecks(ctx: ContractContext): Check[] {
  const { ir, client } = ctx;
  const base = ir.serve.api.basePath;
  const ns = ir.serve.api.namespace;
  const row = sampleRow(ir);
  const goodAttributes = row?.attributes ?? {};
  return [
    ["live", async () => fail(await client.live(), "live answered false")],
    ["ready", async () => fail(await client.ready(), "ready answered false")],
    [
      "bio names the project, its spec hash and labels",
      async () => {
        const bio = await client.bio();
        const bad = mismatches(bio, { name: ir.name, specHash: ir.specHash, labels: [...ir.model.labels] }, { atol: 0, rtol: 0 });
        return fail(bad.length === 0 && typeof bio["version"] === "string", bad.join("; ") || "no version");
      },
    ],
    [
      "openapi.json served equals out/" + ir.name + "/openapi.json",
      async () => {
        const served = await client.openapi();
        return fail(
          mismatches(served, ctx.openapiFile, { atol: 0, rtol: 0 }).length === 0 && mismatches(ctx.openapiFile, served, { atol: 0, rtol: 0 }).length === 0,
          "the served document differs from the generated file",
        );
      },
    ],
    [
      "docs page",
      async () => {
        const r = await raw(ctx, "GET", `${base}/docs`);
        return fail(r.status === 200 && r.type.includes("text/html"), `expected 200 text/html, got ${r.status} ${r.type}`);
      },
    ],
    [
      "V2 health and model metadata",
      async () => {
        const [live, ready, meta] = await Promise.all([raw(ctx, "GET", "/v2/health/live"), raw(ctx, "GET", "/v2/health/ready"), raw(ctx, "GET", `/v2/models/${ir.name}`)]);
        const name = (meta.json as { name?: unknown } | undefined)?.name;
        return fail(live.status === 200 && ready.status === 200 && meta.status === 200 && name === ir.name, `live ${live.status}, ready ${ready.status}, metadata ${meta.status} name ${String(name)}`);
      },
    ],
    [
      "metrics",
      async () => {
        const r = await raw(ctx, "GET", "/metrics");
        return fail(r.status === 200 && /^# (HELP|TYPE) /m.test(r.text), `expected Prometheus text, got ${r.status} ${r.text.slice(0, 100)}`);
      },
    ],
    [
      "every GET route of the OpenAPI document answers 200 with its documented media type",
      async () => {
        const bad: string[] = [];
        for (const [path, media] of documentedGets(ctx.openapiFile)) {
          const r = await raw(ctx, "GET", path);
          if (r.status !== 200 || !r.type.startsWith(media)) bad.push(`${path}: ${r.status} ${r.type || "no content type"}, documented 200 ${media}`);
        }
        return fail(bad.length === 0, bad.join("; "));
      },
    ],
    [
      "wrong namespace → 400 at /data/namespace",
      async () => expectError(await raw(ctx, "POST", `${base}/predict`, JSON.stringify({ data: { namespace: `not-${ns}`, attributes: goodAttributes } })), 400, "/data/namespace"),
    ],
    [
      "unknown attribute → 400 at its pointer",
      async () =>
        expectError(await raw(ctx, "POST", `${base}/predict`, JSON.stringify({ data: { namespace: ns, attributes: { ...goodAttributes, mesh_unknown: 1 } } })), 400, "/data/attributes/mesh_unknown"),
    ],
    ["malformed JSON → 400", async () => expectError(await raw(ctx, "POST", `${base}/predict`, '{"data": {'), 400)],
    ["wrong content type → 415", async () => expectError(await raw(ctx, "POST", `${base}/predict`, JSON.stringify({ data: { namespace: ns, attributes: goodAttributes } }), "text/plain"), 415)],
    [
      "body over the limit → 413",
      async () => {
        // A syntactically valid body one byte over the limit: the size alone must refuse it.
        const pad = Math.max(0, ir.serve.limits.bodyBytes + 1 - 40);
        const body = `{"data":{"namespace":"${ns}","attributes":{}},"p":"${"x".repeat(pad)}"}`;
        return expectError(await postEarlyAnswer(ctx.baseUrl + `${base}/predict`, body), 413);
      },
    ],
    [
      "V2 infer with a wrong tensor shape → 400",
      async () => {
        if (!row) return "no input tensor to build a row for";
        const wrong = { ...row.tensor, shape: [1, row.tensor.data.length + 1] };
        const r = await raw(ctx, "POST", `/v2/models/${ir.name}/infer`, JSON.stringify({ inputs: [wrong, ...row.tensors.slice(1)] }));
        return fail(r.status === 400, `expected 400, got ${r.status}: ${r.text.slice(0, 200)}`);
      },
    ],
    ["unknown route → 404", async () => fail((await raw(ctx, "GET", `${base}/no-such-route`)).status === 404, "expected 404")],
    [
      "V2 infer of one row agrees with v1 predict",
      async () => {
        if (!row) return "no input tensor to build a row for";
        const [v2, v1] = await Promise.all([client.infer([...row.tensors]), client.predict(row.attributes)]);
        if (ir.model.transformer) {
          const bad = v2TextMismatches(ir, v1, v2.outputs);
          return fail(bad.length === 0, bad.join("; "));
        }
        const out = v2.outputs[0]?.data as number[] | undefined;
        if (!out) return "V2 answered no output tensor";
        return fail(v1Agrees(ir, v1, out), `v1 ${JSON.stringify(v1).slice(0, 200)} vs V2 ${JSON.stringify(out.slice(0, 8))}`);
      },
    ],
  ];
}

/** `[path, media type of the 200 answer]` of every GET operation in an OpenAPI document. */
function documentedGets(doc: unknown): [string, string][] {
  const paths = (doc as { paths?: Record<string, { get?: { responses?: Record<string, { content?: Record<string, unknown> }> } }> }).paths ?? {};
  return Object.entries(paths)
    .filter(([, item]) => item.get)
    .map(([path, item]) => [path, Object.keys(item.get?.responses?.["200"]?.content ?? {})[0] ?? ""]);
}

/**
 * An example's `expect` against the answer. Lists of entities or keywords are what must be
 * found: each expected item matches some answered item on the fields it names (a model may
 * find more); everything else must match as it is.
 */
function expectMismatches(ir: ProjectIR, answer: Record<string, unknown>, expect: Readonly<Record<string, unknown>>): string[] {
  const listy = new Set(ir.serve.api.response.filter((f) => f.type === "entities" || f.type === "keywords").map((f) => f.name));
  const out: string[] = [];
  for (const [key, want] of Object.entries(expect)) {
    const got = answer[key];
    if (!listy.has(key) || !Array.isArray(want)) {
      out.push(...mismatches(got, want, undefined, `/${key}`));
      continue;
    }
    const items = Array.isArray(got) ? got : [];
    want.forEach((w, i) => {
      if (!items.some((g) => mismatches(g, w).length === 0)) out.push(`/${key}/${i}: expected an item like ${JSON.stringify(w).slice(0, 120)}, got ${JSON.stringify(items).slice(0, 200)}`);
    });
  }
  return out;
}

/** A transformer's V2 outputs (one tensor per response field) say what v1 says for the same text. */
function v2TextMismatches(ir: ProjectIR, v1: Record<string, unknown>, outputs: readonly { name: string; datatype: string; data: readonly unknown[] }[]): string[] {
  const labels = ir.model.labels;
  const bad: string[] = [];
  for (const f of ir.serve.api.response) {
    const t = outputs.find((o) => o.name === f.name);
    if (!t) {
      bad.push(`V2 answered no output "${f.name}"`);
      continue;
    }
    const value: unknown =
      f.type === "scores"
        ? Object.fromEntries(Object.keys((v1[f.name] as Record<string, unknown> | undefined) ?? {}).map((l) => [l, t.data[labels.indexOf(l)]]))
        : f.type === "number[]"
          ? t.data
          : t.datatype === "BYTES" && (f.type === "entities" || f.type === "keywords")
            ? JSON.parse(String(t.data[0]))
            : t.data[0];
    bad.push(...mismatches(value, v1[f.name], undefined, `/${f.name}`));
  }
  return bad;
}

/** v1's label/score/scores/rows are what the V2 output row implies. */
function v1Agrees(ir: ProjectIR, v1: Record<string, unknown>, out: readonly number[]): boolean {
  const labels = ir.model.labels;
  for (const f of ir.serve.api.response) {
    const value = v1[f.name];
    if (f.type === "scores") {
      if (!labels.every((l, j) => close((value as Record<string, number>)[l] ?? Number.NaN, out[j] ?? Number.NaN))) return false;
    } else if (f.type === "number[]") {
      if (!Array.isArray(value) || value.length !== out.length || !value.every((v, j) => close(v as number, out[j]!))) return false;
    } else if (f.name === "score") {
      const idx = labels.indexOf(String(v1["label"]));
      const p = idx >= 0 ? out[idx] : Math.max(...out);
      if (typeof value !== "number" || !close(value, p ?? Number.NaN)) return false;
    } else if (f.name === "label") {
      if (!labels.includes(String(value))) return false;
    }
  }
  return true;
}

export async function runContractChecks(ctx: ContractContext, report: (r: CheckResult) => void = () => {}): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const [name, run] of [...protocolChecks(ctx), ...exampleChecks(ctx)]) {
    let result: CheckResult;
    try {
      const detail = await run();
      result = detail === undefined ? { name, ok: true } : { name, ok: false, detail };
    } catch (err) {
      result = { name, ok: false, detail: err instanceof Error ? err.message : String(err) };
    }
    results.push(result);
    report(result);
  }
  return results;
}
