/**
 * The generated transformer services of the three example projects, served in-process from
 * their committed model folders: every task answers the seed's shape on v1 and V2, and every
 * bad input of the issue is a 4xx naming the field — never a 500, never a mangled answer.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { startServer, type ServerHandle } from "../../../runtimes/serve/server.js";
import type { ServiceDefinition } from "../../../runtimes/serve/definition.js";
import { call, memoryLogger, testConfig, type Reply } from "../../support/serve/helpers.js";
import { REPO } from "../../support/frontend/helpers.js";

async function serve(name: string, defaults: Parameters<typeof testConfig>[0] = {}): Promise<ServerHandle> {
  const mod = (await import(pathToFileURL(join(REPO, `out/${name}/serve/definition.js`)).href)) as { definition: ServiceDefinition };
  const h = await startServer(mod.definition, testConfig({ modelPath: join(REPO, `projects/${name}/model`), batchMax: 8, ...defaults }), { logger: memoryLogger("error").logger });
  await h.ready;
  return h;
}

const predict = (h: ServerHandle, name: string, attributes: unknown, parameters?: unknown) =>
  call(h.url, "POST", `/${name}/v1/predict`, JSON.stringify({ data: { namespace: name, attributes, ...(parameters !== undefined ? { parameters } : {}) } }), { "content-type": "application/json" });

const attrs = (r: Reply) => (r.json() as { data: { attributes: Record<string, unknown> } }).data.attributes;
const firstError = (r: Reply) => (r.json() as { errors: { status: string; code: string; source?: { pointer: string } }[] }).errors[0]!;

describe("sentiment (text-classification)", () => {
  let h: ServerHandle;
  beforeAll(async () => {
    h = await serve("sentiment");
  });
  afterAll(() => h?.close());

  it("answers label, score and every label's probability, in the single and the batch form", async () => {
    const one = await predict(h, "sentiment", { content: "I love this, it is wonderful and amazing" });
    expect(one.status).toBe(200);
    const a = attrs(one) as { label: string; score: number; scores: Record<string, number> };
    expect(a.label).toBe("positive");
    expect(Object.keys(a.scores)).toEqual(["negative", "neutral", "positive"]);
    expect(a.score).toBeCloseTo(a.scores.positive!, 12);
    expect(Object.values(a.scores).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 6);
    const batch = await predict(h, "sentiment", { content: ["This is terrible, awful and sad", "I love this, it is wonderful and amazing"] });
    expect(batch.status).toBe(200);
    expect((attrs(batch) as { label: string[] }).label).toEqual(["negative", "positive"]);
  });

  it("a batch answers each row as it would alone (padding to the longest never leaks into a row)", async () => {
    const texts = ["ok", "This is terrible, awful and sad and I will never come back to this horrible place again", "fine"];
    const alone = await Promise.all(texts.map((t) => predict(h, "sentiment", { content: t })));
    const together = attrs(await predict(h, "sentiment", { content: texts })) as { scores: Record<string, number>[] };
    alone.forEach((r, i) => {
      const a = attrs(r) as { scores: Record<string, number> };
      for (const [label, p] of Object.entries(a.scores)) expect(together.scores[i]![label]).toBeCloseTo(p, 5);
    });
  });

  it("empty and white-space-only texts are 400s at their pointer", async () => {
    for (const [content, pointer] of [
      ["", "/data/attributes/content"],
      ["  \n\t ", "/data/attributes/content"],
      [["fine", " "], "/data/attributes/content/1"],
    ] as const) {
      const r = await predict(h, "sentiment", { content });
      expect(r.status).toBe(400);
      expect(firstError(r)).toMatchObject({ code: "empty_text", source: { pointer } });
    }
  });

  it("a text longer than max_length is truncated (truncation: truncate) and still answered", async () => {
    const long = "wonderful ".repeat(2000);
    const r = await predict(h, "sentiment", { content: long });
    expect(r.status).toBe(200);
    expect((attrs(r) as { label: string }).label).toBe("positive");
  });

  it("unicode edge cases answer 200: combining marks, emoji, ZWJ sequences, lone surrogates", async () => {
    for (const content of ["cafe\u0301 is wonderful", "I love it 😀👍🏽", "family 👨‍👩‍👧 day", "broken \ud800 surrogate \udc00 text", "\u202eevil bidi\u202c great"]) {
      const r = await predict(h, "sentiment", { content });
      expect(r.status, content).toBe(200);
      expect(["negative", "neutral", "positive"]).toContain((attrs(r) as { label: string }).label);
    }
  });

  it("V2 takes the text as a BYTES tensor and answers each response field as a tensor", async () => {
    const body = { inputs: [{ name: "content", shape: [2], datatype: "BYTES", data: ["I love this, it is wonderful and amazing", "This is terrible, awful and sad"] }] };
    const r = await call(h.url, "POST", "/v2/models/sentiment/infer", JSON.stringify(body), { "content-type": "application/json" });
    expect(r.status).toBe(200);
    const outputs = (r.json() as { outputs: { name: string; datatype: string; shape: number[]; data: unknown[] }[] }).outputs;
    expect(outputs.map((o) => [o.name, o.datatype, o.shape])).toEqual([
      ["label", "BYTES", [2]],
      ["score", "FP32", [2]],
      ["scores", "FP32", [2, 3]],
    ]);
    expect(outputs[0]!.data).toEqual(["positive", "negative"]);
    const meta = await call(h.url, "GET", "/v2/models/sentiment");
    expect((meta.json() as { inputs: unknown[] }).inputs).toEqual([{ name: "content", datatype: "BYTES", shape: [-1] }]);
  });

  it("V2 refuses numbers for text, a wrong shape, and duplicate or unknown outputs with pointers", async () => {
    const post = (body: unknown) => call(h.url, "POST", "/v2/models/sentiment/infer", JSON.stringify(body), { "content-type": "application/json" });
    const t = { name: "content", shape: [1], datatype: "BYTES", data: ["hello"] };
    expect(firstError(await post({ inputs: [{ ...t, data: [1] }] }))).toMatchObject({ code: "invalid_type", source: { pointer: "/inputs/0/data" } });
    expect(firstError(await post({ inputs: [{ ...t, shape: [2] }] }))).toMatchObject({ code: "invalid_shape" });
    expect(firstError(await post({ inputs: [t], outputs: [{ name: "label" }, { name: "label" }] }))).toMatchObject({ code: "duplicate_output", source: { pointer: "/outputs/1/name" } });
    expect(firstError(await post({ inputs: [t], outputs: [{ name: "logits" }] }))).toMatchObject({ code: "unknown_output" });
    expect(firstError(await post({ inputs: [{ ...t, data: [""] }] }))).toMatchObject({ code: "empty_text", source: { pointer: "/inputs/0/data/0" } });
  });

  it("counts real and padding tokens in /metrics", async () => {
    await predict(h, "sentiment", { content: ["short", "a much longer text that needs many more tokens than the short one"] });
    const m = await call(h.url, "GET", "/metrics");
    const real = Number(/mesh_tokens_total\{kind="real"\} (\d+)/.exec(m.text)?.[1]);
    const padding = Number(/mesh_tokens_total\{kind="padding"\} (\d+)/.exec(m.text)?.[1]);
    expect(real).toBeGreaterThan(0);
    expect(padding).toBeGreaterThan(0);
  });
});

describe("sentiment with truncation: refuse", () => {
  let h: ServerHandle;
  beforeAll(async () => {
    const mod = (await import(pathToFileURL(join(REPO, "out/sentiment/serve/definition.js")).href)) as { definition: ServiceDefinition & { transformer: object } };
    const definition = { ...mod.definition, transformer: { ...mod.definition.transformer, truncation: "refuse" } } as ServiceDefinition;
    h = await startServer(definition, testConfig({ modelPath: join(REPO, "projects/sentiment/model") }), { logger: memoryLogger("error").logger });
    await h.ready;
  });
  afterAll(() => h?.close());

  it("refuses a text over max_length with 400 too_long at its pointer, and answers the others", async () => {
    const r = await predict(h, "sentiment", { content: ["fine", "word ".repeat(500)] });
    expect(r.status).toBe(400);
    expect(firstError(r)).toMatchObject({ code: "too_long", source: { pointer: "/data/attributes/content/1" } });
    expect((await predict(h, "sentiment", { content: "fine" })).status).toBe(200);
  });
});

describe("ner (token-classification)", () => {
  let h: ServerHandle;
  beforeAll(async () => {
    h = await serve("ner");
  });
  afterAll(() => h?.close());

  it("finds people and places with offsets into the original text", async () => {
    const text = "Yesterday Maria Lopez flew from Texas to Boston.";
    const r = await predict(h, "ner", { content: text });
    expect(r.status).toBe(200);
    const entities = (attrs(r) as { entities: { entity_type: string; entity_text: string; start: number; end: number; sentence_index: number }[] }).entities;
    for (const e of entities) expect(text.slice(e.start, e.end)).toBe(e.entity_text);
    expect(entities).toEqual(expect.arrayContaining([expect.objectContaining({ entity_type: "PER", entity_text: "Maria Lopez", start: 10, end: 21, sentence_index: 0 })]));
    expect(entities.filter((e) => e.entity_type === "LOC").map((e) => e.entity_text)).toEqual(expect.arrayContaining(["Texas", "Boston"]));
  });

  it("offsets stay exact after emoji and across sentences (sentence_index, document offsets)", async () => {
    const text = "😀😀 Hello there. Yesterday Maria Lopez flew from Texas to Boston.";
    const entities = (attrs(await predict(h, "ner", { content: text })) as { entities: { entity_text: string; start: number; end: number; sentence_index: number }[] }).entities;
    const maria = entities.find((e) => e.entity_text === "Maria Lopez");
    expect(maria).toBeDefined();
    expect(text.slice(maria!.start, maria!.end)).toBe("Maria Lopez");
    expect(maria!.sentence_index).toBe(1);
  });

  it("every aggregation strategy answers; none gives raw B-/I- labels", async () => {
    const text = "Yesterday Maria Lopez flew from Texas to Boston.";
    for (const aggregation of ["none", "simple", "first", "average", "max"]) {
      const r = await predict(h, "ner", { content: text }, { aggregation });
      expect(r.status, aggregation).toBe(200);
      const types = (attrs(r) as { entities: { entity_type: string }[] }).entities.map((e) => e.entity_type);
      if (aggregation === "none") expect(types.every((t) => /^[BI]-/.test(t))).toBe(true);
      else expect(types.every((t) => !/^[BI]-/.test(t))).toBe(true);
    }
    expect(firstError(await predict(h, "ner", { content: text }, { aggregation: "mean" }))).toMatchObject({ code: "not_in_enum", source: { pointer: "/data/parameters/aggregation" } });
  });

  it("a long document without sentence breaks is cut into pieces that fit, so no entity is lost", async () => {
    const filler = "and then they walked on ".repeat(60);
    const text = `${filler}Maria Lopez arrived in Boston ${filler}`;
    const r = await predict(h, "ner", { content: text });
    expect(r.status).toBe(200);
    const entities = (attrs(r) as { entities: { entity_text: string; start: number; end: number }[] }).entities;
    for (const e of entities) expect(text.slice(e.start, e.end)).toBe(e.entity_text);
    // The names sit hundreds of tokens in, past max_length: found there, so the text was cut into pieces, not truncated.
    expect(entities.some((e) => e.start >= text.indexOf("Maria"))).toBe(true);
  });

  it("a batch of very long documents is answered, bounded by the body limit", async () => {
    const doc = "Maria Lopez flew from Texas to Boston. ".repeat(400);
    const r = await predict(h, "ner", { content: [doc, doc] });
    expect(r.status).toBe(200);
    expect((attrs(r) as { entities: unknown[][] }).entities[0]!.length).toBeGreaterThan(100);
  });

  it("empty and white-space-only documents have no entities", async () => {
    const r = await predict(h, "ner", { content: ["", "   "] });
    expect(r.status).toBe(200);
    expect((attrs(r) as { entities: unknown[][] }).entities).toEqual([[], []]);
  });
});

describe("keywords (keyword-extraction)", () => {
  let h: ServerHandle;
  beforeAll(async () => {
    h = await serve("keywords");
  });
  afterAll(() => h?.close());
  const doc = "Taxes on families must come down. We will cut taxes for working families and small businesses.";

  it("answers KeyBERT's keywords with the seed's fields and honours its parameters", async () => {
    const r = await predict(h, "keywords", { content: doc }, { top_n: 3 });
    expect(r.status).toBe(200);
    const kw = (attrs(r) as { keywords: { keyword_token: string; keyword_score: number }[] }).keywords;
    expect(kw).toHaveLength(3);
    expect(kw.map((k) => k.keyword_token)).toContain("taxes");
    for (let i = 1; i < kw.length; i++) expect(kw[i - 1]!.keyword_score).toBeGreaterThanOrEqual(kw[i]!.keyword_score);
    const bigrams = (attrs(await predict(h, "keywords", { content: doc }, { keyphrase_ngram_range: [2, 2], top_n: 2 })) as { keywords: { keyword_token: string }[] }).keywords;
    expect(bigrams.every((k) => k.keyword_token.split(" ").length === 2)).toBe(true);
    const mmr = await predict(h, "keywords", { content: doc }, { use_mmr: true, diversity: 0.7 });
    expect(mmr.status).toBe(200);
    const given = (attrs(await predict(h, "keywords", { content: doc }, { candidates: ["taxes", "businesses", "weather"] })) as { keywords: { keyword_token: string }[] }).keywords;
    expect(given.map((k) => k.keyword_token).sort()).toEqual(["businesses", "taxes"]);
  });

  it("refuses bad parameters at their pointers", async () => {
    expect(firstError(await predict(h, "keywords", { content: doc }, { keyphrase_ngram_range: [3, 1] }))).toMatchObject({
      status: "400",
      source: { pointer: "/data/parameters/keyphrase_ngram_range" },
    });
    expect(firstError(await predict(h, "keywords", { content: doc }, { top_n: 0 }))).toMatchObject({ code: "out_of_range", source: { pointer: "/data/parameters/top_n" } });
    expect(firstError(await predict(h, "keywords", { content: doc }, { stop_words: 3 }))).toMatchObject({ code: "invalid_type", source: { pointer: "/data/parameters/stop_words" } });
    // Max Sum over C(100, 50) combinations would block the server: refused, not attempted.
    const many = Array.from({ length: 120 }, (_, i) => `topic${i}word`).join(" ");
    expect(firstError(await predict(h, "keywords", { content: many }, { use_maxsum: true, nr_candidates: 100, top_n: 50 }))).toMatchObject({ status: "400", code: "too_expensive" });
  });
});
