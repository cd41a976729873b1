/**
 * Issue 13's soak: 60 s of mixed hostile and good requests against one server process on
 * 127.0.0.1 — huge unknown-key bodies, deep nesting, bad JSON, bodies over the limit (declared
 * and chunked), slow bodies, slow and malformed headers, V2 garbage, pipelines — interleaved
 * with good v1 and V2 requests whose answers are checked against the model computed here.
 * The server's RSS may not rise more than 50 MB above its level in the warm-up; every good
 * answer must be right; no hostile request may get a 5xx.
 *
 * RSS is read just after a full garbage collection (the fixture runs one on SIGUSR2, every
 * 5 s, and logs its RSS 50 ms later): parsing a megabyte of hostile JSON makes up to 12 MB of
 * short-lived objects, so between collections RSS is a saw-tooth (measured: 157–330 MB, no
 * trend) whose teeth say when V8 chose to collect, not what the server holds; compared raw,
 * two runs of the same code differed by 70 MB at their peaks, while after collections they
 * stay within ~40 MB of each other. What the server holds — a leak, or answers that grow
 * with the request (issue 13 item 1: 119 → 453 MB and staying there) — survives collections,
 * so the level two consecutive collections both show is bounded by 50 MB. The raw peak is bounded too, below the 512 Mi of the
 * generated Deployment.
 *
 * Bounded: a fixed number of client loops, a request cap, a wall-clock end; the server is
 * stopped by PID (SIGTERM, then SIGKILL in afterEach). It runs in the normal suite (CI runs
 * `npm test`) because the issue asks for the 60 s one; its own timeout allows for the spawn,
 * the warm-up and the drain. SOAK_SECONDS shortens or lengthens it for local runs.
 */
import { afterAll, afterEach, expect, test } from "vitest";
import { readFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { connect } from "node:net";
import { createFeaturizer } from "../../../runtimes/features/index.js";
import { denseForward, denseWeights } from "../../support/onnx-models.js";
import { TEXT_DIMS } from "../../support/serve/fixtures/text-definition.js";
import { tempDir, textModel } from "../../support/serve/helpers.js";
import { cleanFixtureBuild, spawnFixture, type Child } from "../../support/serve/child.js";

const TOTAL_S = Number(process.env["SOAK_SECONDS"] ?? 60);
const GC_EVERY_S = 5;
const WARM_S = Math.max(GC_EVERY_S, Math.min(10, Math.round(TOTAL_S / 6)));
const LOOPS = 6;
const MAX_REQUESTS = 200_000;
const RSS_SLACK_MB = 50;
/** Raw RSS (between collections) must stay under this: the generated Deployment's limit is 512 Mi. */
const RSS_CEILING_MB = 450;

const children: Child[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill();
});
afterAll(() => cleanFixtureBuild());

const weights = denseWeights({ sizes: [TEXT_DIMS, 2] });
const featurizer = createFeaturizer({ kind: "hashed-ngrams", input: "text", dims: TEXT_DIMS, ngrams: [1, 2], lowercase: true, maxChars: 20_000 });
function probabilities(text: string): number[] {
  const row = new Float32Array(TEXT_DIMS);
  featurizer.encode({ text }, row, 0);
  return denseForward(weights, row);
}

interface Reply {
  readonly status: number;
  readonly body: string;
}
type Outcome = Reply | { readonly error: string };
/** What a request kind checks; a string is a failure. */
type Check = (o: Outcome) => string | undefined;

const P = "/spamlike/v1/predict";
const I = "/v2/models/spamlike/infer";
const keepAlive = new Agent({ keepAlive: true, maxSockets: LOOPS });

function http(url: string, method: string, path: string, body: Buffer | undefined, headers: Record<string, string>, agent: Agent | false): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(`${url}${path}`, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    });
    req.on("error", (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message }));
    req.setTimeout(20_000, () => req.destroy(new Error("client timeout")));
    req.end(body);
  });
}

/** Raw bytes on a fresh connection, `pauseMs` between the parts; resolves with what came back once the server closes. */
function raw(url: string, parts: (string | Buffer)[], pauseMs: number): Promise<Outcome> {
  return new Promise((resolve) => {
    const { hostname, port } = new URL(url);
    const chunks: Buffer[] = [];
    const s = connect(Number(port), hostname);
    let i = 0;
    const next = () => {
      if (i < parts.length && s.writable) s.write(parts[i++]!);
      if (i < parts.length) setTimeout(next, pauseMs);
    };
    s.on("connect", next);
    s.on("data", (c: Buffer) => chunks.push(c));
    const timer = setTimeout(() => s.destroy(), 20_000);
    s.on("error", () => undefined);
    s.on("close", () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("utf8");
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      resolve(status ? { status, body: text.slice(text.indexOf("\r\n\r\n") + 4) } : { error: "closed without an answer" });
    });
  });
}

const json = (v: unknown) => Buffer.from(JSON.stringify(v));
const JSON_HEADERS = { "content-type": "application/json" };

/**
 * A 4xx in the JSON error shape with one of `statuses`; `closeOk`: the server may instead close
 * (it stops reading an oversized or stalled upload). A 408 is a correct refusal of any hostile
 * request too: on a loaded machine a large hostile body can miss the request timeout.
 */
const refusal =
  (statuses: number[], closeOk = false): Check =>
  (o) => {
    if ("error" in o) return closeOk ? undefined : `connection error ${o.error}`;
    if (!statuses.includes(o.status) && o.status !== 408) return `status ${o.status}, expected ${statuses.join("/")}: ${o.body.slice(0, 200)}`;
    try {
      const e = JSON.parse(o.body).errors;
      if (!Array.isArray(e) || e.length === 0 || e.length > 20 || typeof e[0].code !== "string") return `not the error shape: ${o.body.slice(0, 200)}`;
    } catch {
      return `not JSON: ${o.body.slice(0, 200)}`;
    }
    if (o.body.length > 16_384) return `an error answer of ${o.body.length} bytes`;
    return undefined;
  };

interface Kind {
  readonly name: string;
  readonly good: boolean;
  send(url: string): Promise<Outcome>;
  readonly check: Check;
}

function kinds(): Kind[] {
  const texts = Array.from({ length: 64 }, (_, i) => `message ${i}: ${i % 3 === 0 ? "WIN a FREE cruise, click now" : "notes from the meeting attached"} ${"x".repeat(i)}`);
  const batch = texts.slice(0, 32);
  const expected = (t: string) => probabilities(t);
  const row = Array.from({ length: TEXT_DIMS }, (_, i) => ((i * 37) % 11) / 11);
  const v2Expected = denseForward(weights, row);
  const close = (a: number, b: number) => Math.abs(a - b) < 1e-5;

  const unknownKeys = json(Object.fromEntries([["data", { namespace: "spamlike", attributes: { text: "x" } }], ...Array.from({ length: 40_000 }, (_, i) => [`k${i}`, i])]));
  const v2UnknownKeys = json(Object.fromEntries([["inputs", []], ...Array.from({ length: 40_000 }, (_, i) => [`u${i}`, i])]));
  const deep = Buffer.from(`{"data":{"namespace":"spamlike","attributes":{"text":${"[".repeat(200_000)}${"]".repeat(200_000)}}}}`);
  const v2Deep = Buffer.from(`{"inputs":[{"name":"features","shape":[1,${TEXT_DIMS}],"datatype":"FP32","data":${"[".repeat(200_000)}1${"]".repeat(200_000)}}]}`);
  const deepObject = Buffer.from(`${'{"a":'.repeat(100_000)}1${"}".repeat(100_000)}`);
  const oversized = Buffer.alloc(1_200_000, "a");
  const manyInputs = json({ inputs: Array.from({ length: 100_000 }, () => ({})) });
  const dupOutputs = json({ inputs: [{ name: "features", shape: [1, TEXT_DIMS], datatype: "FP32", data: row }], outputs: Array.from({ length: 30_000 }, () => ({ name: "probabilities" })) });
  const hugeText = json({ data: { namespace: "spamlike", attributes: { text: "a".repeat(900_000) } } });
  const goodBody = (t: string) => JSON.stringify({ data: { namespace: "spamlike", attributes: { text: t } } });

  return [
    {
      name: "good v1 single",
      good: true,
      send: (url) => http(url, "POST", P, Buffer.from(goodBody(texts[7]!)), JSON_HEADERS, keepAlive),
      check: (o) => {
        if ("error" in o || o.status !== 200) return `got ${JSON.stringify(o).slice(0, 200)}`;
        const a = JSON.parse(o.body).data.attributes;
        const p = expected(texts[7]!);
        const best = p[1]! >= 0.5 ? 1 : 0;
        return a.label === ["ham", "spam"][best] && close(a.score, p[best]!) ? undefined : `wrong answer ${o.body}`;
      },
    },
    {
      name: "good v1 batch",
      good: true,
      send: (url) => http(url, "POST", P, json({ data: { namespace: "spamlike", attributes: { text: batch }, parameters: { threshold: 0 } } }), JSON_HEADERS, keepAlive),
      check: (o) => {
        if ("error" in o || o.status !== 200) return `got ${JSON.stringify(o).slice(0, 200)}`;
        const a = JSON.parse(o.body).data.attributes;
        const ok = a.label.length === batch.length && a.label.every((l: string) => l === "spam") && batch.every((t, i) => close(a.score[i], expected(t)[1]!));
        return ok ? undefined : `wrong batch answer ${o.body.slice(0, 300)}`;
      },
    },
    {
      name: "good V2",
      good: true,
      send: (url) => http(url, "POST", I, json({ id: "soak", inputs: [{ name: "features", shape: [1, TEXT_DIMS], datatype: "FP32", data: row }] }), JSON_HEADERS, keepAlive),
      check: (o) => {
        if ("error" in o || o.status !== 200) return `got ${JSON.stringify(o).slice(0, 200)}`;
        const b = JSON.parse(o.body);
        const data = b.outputs?.[0]?.data as number[] | undefined;
        return b.id === "soak" && data?.length === 2 && data.every((v, i) => close(v, v2Expected[i]!)) ? undefined : `wrong V2 answer ${o.body}`;
      },
    },
    {
      name: "good live",
      good: true,
      send: (url) => http(url, "GET", "/spamlike/v1/live", undefined, {}, keepAlive),
      check: (o) => ("error" in o || o.status !== 200 || o.body !== '{"live":true}' ? `got ${JSON.stringify(o)}` : undefined),
    },
    { name: "40k unknown keys (v1)", good: false, send: (url) => http(url, "POST", P, unknownKeys, JSON_HEADERS, false), check: refusal([400]) },
    { name: "40k unknown keys (V2)", good: false, send: (url) => http(url, "POST", I, v2UnknownKeys, JSON_HEADERS, false), check: refusal([400]) },
    { name: "200k-deep arrays (v1)", good: false, send: (url) => http(url, "POST", P, deep, JSON_HEADERS, false), check: refusal([400]) },
    { name: "200k-deep arrays (V2)", good: false, send: (url) => http(url, "POST", I, v2Deep, JSON_HEADERS, false), check: refusal([400]) },
    { name: "100k-deep objects", good: false, send: (url) => http(url, "POST", P, deepObject, JSON_HEADERS, false), check: refusal([400]) },
    { name: "bad JSON", good: false, send: (url) => http(url, "POST", P, Buffer.from('{"data": {"namespace": "spamlike", "attributes": {"text": NaN'), JSON_HEADERS, false), check: refusal([400]) },
    { name: "not UTF-8", good: false, send: (url) => http(url, "POST", P, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), JSON_HEADERS, false), check: refusal([400]) },
    {
      name: "utf-16 charset",
      good: false,
      send: (url) => http(url, "POST", P, Buffer.from(goodBody("hi"), "utf16le"), { "content-type": "application/json; charset=utf-16" }, false),
      check: refusal([415]),
    },
    { name: "900 kB text in one field", good: false, send: (url) => http(url, "POST", P, hugeText, JSON_HEADERS, false), check: refusal([400]) },
    { name: "over the body limit (declared)", good: false, send: (url) => http(url, "POST", P, oversized, JSON_HEADERS, false), check: refusal([413], true) },
    {
      name: "over the body limit (chunked)",
      good: false,
      send: (url) =>
        raw(url, [`POST ${P} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`, `${(oversized.length).toString(16)}\r\n`, oversized, "\r\n0\r\n\r\n"], 0),
      check: refusal([413], true),
    },
    {
      name: "slow body (stalls past the timeout)",
      good: false,
      send: (url) => raw(url, [`POST ${P} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"data":`], 0),
      check: refusal([408]),
    },
    { name: "100k empty V2 inputs", good: false, send: (url) => http(url, "POST", I, manyInputs, JSON_HEADERS, false), check: refusal([400]) },
    { name: "30k duplicate V2 outputs", good: false, send: (url) => http(url, "POST", I, dupOutputs, JSON_HEADERS, false), check: refusal([400]) },
    {
      name: "V2 1e39",
      good: false,
      send: (url) => http(url, "POST", I, json({ inputs: [{ name: "features", shape: [1, TEXT_DIMS], datatype: "FP32", data: [1e39, ...row.slice(1)] }] }), JSON_HEADERS, false),
      check: refusal([400]),
    },
    { name: "V2 garbage", good: false, send: (url) => http(url, "POST", I, json({ inputs: { features: "yes" }, outputs: 7, id: [1] }), JSON_HEADERS, false), check: refusal([400]) },
    { name: "garbage instead of HTTP", good: false, send: (url) => raw(url, ["\x00\x01GARBAGE\r\n\r\n"], 0), check: refusal([400]) },
    { name: "huge header", good: false, send: (url) => raw(url, [`GET /spamlike/v1/live HTTP/1.1\r\nHost: x\r\nX-Big: ${"b".repeat(70_000)}\r\n\r\n`], 0), check: refusal([431]) },
    {
      name: "pipeline: 415, good, garbage",
      good: false,
      send: (url) => raw(url, [`POST ${P} HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello` + `GET /spamlike/v1/live HTTP/1.1\r\nHost: x\r\n\r\n` + "BAD\r\n\r\n"], 0),
      check: (o) => ("error" in o ? `connection error ${o.error}` : o.status !== 415 ? `status ${o.status}` : undefined),
    },
  ];
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

test(
  `soak: ${TOTAL_S} s of hostile and good requests — RSS within ${RSS_SLACK_MB} MB of its warm-up level, every good answer right, no 5xx`,
  async () => {
    const c = spawnFixture({ MESH_MODEL_PATH: textModel(tempDir()), FIXTURE_GC_SIGNAL: "1" }, ["--expose-gc"]);
    children.push(c);
    const url = String((await c.waitFor((l) => l["msg"] === "ready"))["url"]);
    const pid = c.proc.pid!;
    const all = kinds();
    const start = performance.now();
    const end = start + TOTAL_S * 1000;
    const at = () => Math.round((performance.now() - start) / 1000);
    const mb = () => Math.round(rssMb(pid) * 10) / 10;
    const samples: { s: number; mb: number }[] = [];
    const collected: { s: number; mb: number }[] = [];
    let tick = 0;
    const sampler = setInterval(() => {
      samples.push({ s: at(), mb: mb() });
      if (++tick % GC_EVERY_S === 0) {
        const n = tick / GC_EVERY_S;
        process.kill(pid, "SIGUSR2");
        void c
          .waitFor((l) => l["msg"] === "fixture gc" && l["n"] === n, 10_000)
          .then(
            (l) => collected.push({ s: at(), mb: Math.round(Number(l["rss"]) / 104857.6) / 10 }),
            () => undefined,
          );
      }
    }, 1_000);
    const stats = new Map<string, { n: number; statuses: Record<string, number> }>();
    const failures: string[] = [];
    let sent = 0;
    // Each loop walks the kinds from its own offset: every moment mixes several kinds.
    const loop = async (offset: number) => {
      for (let i = offset; performance.now() < end && sent < MAX_REQUESTS; i++) {
        const kind = all[i % all.length]!;
        sent++;
        const o = await kind.send(url);
        const s = stats.get(kind.name) ?? { n: 0, statuses: {} };
        const key = "error" in o ? o.error : String(o.status);
        s.n++;
        s.statuses[key] = (s.statuses[key] ?? 0) + 1;
        stats.set(kind.name, s);
        const problem = kind.check(o);
        // The first two problems of each kind: one noisy kind cannot hide the others.
        if (problem && failures.filter((f) => f.startsWith(`${kind.name}: `)).length < 2) failures.push(`${kind.name}: ${problem}`);
      }
    };
    await Promise.all(Array.from({ length: LOOPS }, (_, i) => loop(i * 4)));
    clearInterval(sampler);
    keepAlive.destroy();
    await new Promise((r) => setTimeout(r, 500)); // the last collection's line
    // The start: the mean of the warm-up's collections (one sample alone varies by ±20 MB with
    // what is in flight when it is taken); after it, every collection of the soak.
    const warm = collected.filter((x) => x.s <= WARM_S + 1);
    const after = collected.filter((x) => x.s > WARM_S + 1);
    const baseline = Math.round((warm.reduce((n, x) => n + x.mb, 0) / warm.length) * 10) / 10;
    // What the server holds survives the next collection too; one high reading alone is a
    // collection that met a megabyte body mid-parse (seen: 289 MB once, 158 MB 5 s before and
    // after). So a level counts when two consecutive collections both show it.
    const held = Math.max(...after.slice(1).map((x, i) => Math.min(x.mb, after[i]!.mb)));
    const rawPeak = Math.max(...samples.map((x) => x.mb));
    const report = { sent, baselineMb: baseline, heldMb: held, rawPeakMb: rawPeak, afterGc: collected.map((x) => `${x.s}s:${x.mb}`), raw: samples.map((x) => x.mb), kinds: Object.fromEntries(stats) };
    console.log(JSON.stringify(report));

    expect(failures, JSON.stringify(report.kinds)).toEqual([]);
    for (const k of all) expect(stats.get(k.name)?.n ?? 0, k.name).toBeGreaterThan(0);
    expect(warm.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(1);
    expect(held - baseline, `RSS after collections ${JSON.stringify(report.afterGc)}`).toBeLessThanOrEqual(RSS_SLACK_MB);
    expect(rawPeak, `raw RSS ${JSON.stringify(report.raw)}`).toBeLessThan(RSS_CEILING_MB);
    // Still healthy, and it stops cleanly.
    c.proc.kill("SIGTERM");
    expect(await c.exited).toBe(0);
  },
  (TOTAL_S + 60) * 1000,
);
