/**
 * The request decoder is built from the OpenAPI document alone: it follows an edited document,
 * gives the same verdict as a standard JSON Schema validator of the published PredictRequest on
 * random bodies, takes its row cap from the server, and stays bounded on hostile bodies.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { ProjectIR } from "../../../compiler/ir.js";
import { openapiDocument } from "../../../generators/support/openapi-document.js";
import { requestDecoder } from "../../../runtimes/serve/request-contract.js";
import { appIR, exampleIR } from "../../support/servegen/fixtures.js";

type Doc = Record<string, unknown>;
type Schemas = Record<string, Record<string, unknown>>;

const schemasOf = (doc: Doc): Schemas => (doc["components"] as { schemas: Schemas }).schemas;
const fieldsOf = (ir: ProjectIR) => ({ name: ir.name, attributes: ir.serve.api.attributes.map((f) => f.name), parameters: ir.serve.api.parameters.map((p) => p.name) });
const decoderOf = (ir: ProjectIR, doc: Doc = openapiDocument(ir)) => requestDecoder(doc, fieldsOf(ir));
const codes = (r: ReturnType<ReturnType<typeof decoderOf>>) => (r.ok ? [] : r.errors.map((e) => `${e.code} ${e.source?.pointer}: ${e.detail}`));

test("every constraint comes from the document: edit a schema there and the decoder follows", async () => {
  const spam = await exampleIR("spam");
  const doc = structuredClone(openapiDocument(spam)) as Doc;
  const schemas = schemasOf(doc);
  const props = (name: string) => (schemas[name]!["properties"] as Record<string, Record<string, unknown>>)!;
  props("Attributes")["text"]!["maxLength"] = 5;
  props("Parameters")["threshold"]!["maximum"] = 0.8;
  const decode = decoderOf(spam, doc);
  const body = (text: unknown, threshold: number) => ({ namespace: "spam", attributes: { text }, parameters: { threshold } });
  expect(decode(body("abcde", 0.8), 64).ok).toBe(true);
  expect(codes(decode(body("abcdef", 0.9), 64))).toEqual(["too_long /data/attributes/text: must be at most 5 characters long", "out_of_range /data/parameters/threshold: must be between 0 and 0.8"]);
  // The same edit reaches the batch form's elements.
  expect(codes(decode({ namespace: "spam", attributes: { text: ["ok", "abcdef"] } }, 64))).toEqual(["too_long /data/attributes/text/1: must be at most 5 characters long"]);
});

test("a document without the request schemas fails when the decoder is built, in one sentence", async () => {
  const spam = await exampleIR("spam");
  expect(() => requestDecoder({ openapi: "3.1.0" }, fieldsOf(spam))).toThrow("request contract: the OpenAPI document has no object at components.schemas");
  expect(() => requestDecoder(openapiDocument(spam), { ...fieldsOf(spam), attributes: ["subject"] })).toThrow("no object at Attributes.properties.subject");
  expect(() => requestDecoder(openapiDocument(spam), { ...fieldsOf(spam), parameters: ["__proto__"] })).toThrow('"__proto__" cannot be a field name');
});

test("the row cap is the server's MESH_MAX_ROWS, not the document's default maxItems", async () => {
  const spam = await exampleIR("spam");
  const published = (schemasOf(openapiDocument(spam))["BatchAttributes"]!["properties"] as Record<string, { maxItems: number }>)["text"]!.maxItems;
  const decode = decoderOf(spam);
  const rows = (n: number) => ({ namespace: "spam", attributes: { text: Array.from({ length: n }, (_, i) => `row ${i}`) } });
  expect(decode(rows(published + 10), published + 10).ok).toBe(true);
  expect(codes(decode(rows(3), 2))).toEqual(["too_many_rows /data/attributes/text: must hold at most 2 rows, got 3"]);
});

test("hostile bodies stay bounded: 100,000 bad rows get 20 errors, a bad 100,000-number vector one", async () => {
  const spam = await exampleIR("spam");
  const many = decoderOf(spam)({ namespace: "spam", attributes: { text: Array.from({ length: 100_000 }, (_, i) => i) } }, 100_000);
  expect(many.ok).toBe(false);
  if (many.ok) return;
  expect(many.errors).toHaveLength(20);
  expect(many.errors.map((e) => e.source?.pointer)).toEqual(Array.from({ length: 20 }, (_, i) => `/data/attributes/text/${i}`));
  const sensor = appIR();
  const vector = decoderOf(sensor)({ namespace: sensor.serve.api.namespace, attributes: { features: Array.from({ length: 100_000 }, () => "x") } }, 16);
  expect(codes(vector)).toEqual(["wrong_length /data/attributes/features: must hold exactly 8 numbers, got 100000"]);
});

test("one request cannot change another's defaults: the shared defaults are frozen", async () => {
  const keywords = await exampleIR("keywords");
  const doc = openapiDocument(keywords) as Doc;
  const decode = decoderOf(keywords, doc);
  const body = { namespace: "keywords", attributes: { content: "a text" } };
  const first = decode(body, 64);
  if (!first.ok) throw new Error("expected the body to decode");
  const range = first.decoded.value.parameters["keyphrase_ngram_range"] as number[];
  expect(() => range.push(3)).toThrow(TypeError);
  first.decoded.value.parameters["top_n"] = 99;
  const second = decode(body, 64);
  expect(second.ok && second.decoded.value.parameters).toMatchObject({ keyphrase_ngram_range: [1, 1], top_n: 5 });
  // The copy is frozen, not the document's own value (the server also publishes it).
  const published = (schemasOf(doc)["Parameters"]!["properties"] as Record<string, { default: unknown }>)["keyphrase_ngram_range"]!.default;
  expect(Object.isFrozen(published)).toBe(false);
});

/** Values the schema accepts (bounded in size): most bodies must be good for agreement to mean much. */
function validFor(s: Record<string, unknown>): fc.Arbitrary<unknown> {
  if (Array.isArray(s["oneOf"])) return fc.oneof(...(s["oneOf"] as Record<string, unknown>[]).map(validFor));
  if (Array.isArray(s["enum"])) return fc.constantFrom(...(s["enum"] as unknown[]));
  if (Array.isArray(s["type"])) return fc.oneof(...(s["type"] as string[]).map((t) => validFor({ type: t })));
  const min = s["minimum"] as number | undefined;
  const max = s["maximum"] as number | undefined;
  switch (s["type"]) {
    case "string": {
      const lo = (s["minLength"] as number | undefined) ?? 0;
      const hi = (s["maxLength"] as number | undefined) ?? 8;
      const atLimit = hi <= 2000 ? [fc.constantFrom("x".repeat(hi), "😀".repeat(hi))] : [];
      return fc.oneof(
        fc.string({ minLength: Math.max(lo, 0), maxLength: Math.max(lo, Math.min(hi, 8)), unit: "grapheme" }).filter((x) => [...x].length <= hi),
        ...atLimit,
      );
    }
    case "integer":
      return fc.integer({ min: Math.ceil(min ?? -1000), max: Math.floor(max ?? 1000) });
    case "number":
      return fc.double({ min: min ?? -1e6, max: max ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case "boolean":
      return fc.boolean();
    case "null":
      return fc.constant(null);
    case "array": {
      const lo = (s["minItems"] as number | undefined) ?? 0;
      const hi = Math.max(lo, Math.min((s["maxItems"] as number | undefined) ?? 4, 4));
      return fc.array(validFor((s["items"] as Record<string, unknown>) ?? {}), { minLength: lo, maxLength: hi });
    }
    default:
      return fc.jsonValue({ maxDepth: 1 });
  }
}

/** Just outside what the schema accepts, where a second reading of the contract would differ. */
function nearMiss(s: Record<string, unknown>): fc.Arbitrary<unknown> {
  const misses: unknown[] = [null, "1", 1.5, [], {}, true, -0];
  for (const k of ["minimum", "maximum"]) if (typeof s[k] === "number") misses.push((s[k] as number) + (k === "minimum" ? -1 : 1), (s[k] as number) + (k === "minimum" ? -0.5 : 0.5));
  const hi = s["maxLength"];
  if (typeof hi === "number" && hi <= 2000) misses.push("x".repeat(hi + 1), "😀".repeat(hi + 1), `${"😀".repeat(hi - 1)}\ud800`);
  if (s["type"] === "array")
    misses.push(
      ["x"],
      [[1]],
      Array.from({ length: ((s["maxItems"] as number | undefined) ?? 4) + 1 }, () => 1),
    );
  return fc.constantFrom(...misses);
}

const fieldValue = (s: Record<string, unknown>) => fc.oneof({ weight: 12, arbitrary: validFor(s) }, { weight: 1, arbitrary: nearMiss(s) }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) });

/** Bodies that are mostly good or almost good: the interesting verdicts are near the boundary. */
function bodies(ir: ProjectIR, schemas: Schemas): fc.Arbitrary<unknown> {
  const props = (name: string) => (schemas[name]!["properties"] ?? {}) as Record<string, Record<string, unknown>>;
  const attributes = Object.entries(props("Attributes"));
  const single = fc.record(Object.fromEntries(attributes.map(([k, s]) => [k, fieldValue(s)])));
  const batch = fc
    .integer({ min: 0, max: 3 })
    .chain((n) =>
      fc.record(
        Object.fromEntries(
          attributes.map(([k, s]) => [
            k,
            fc.oneof({ weight: 9, arbitrary: fc.array(fieldValue(s), { minLength: n, maxLength: n }) }, { weight: 1, arbitrary: fc.array(fieldValue(s), { maxLength: 3 }) }),
          ]),
        ),
      ),
    );
  const parameters = Object.entries(props("Parameters"));
  const given = fc.record(Object.fromEntries(parameters.map(([k, s]) => [k, fieldValue(s)])), { requiredKeys: [] });
  const rare = <T>(good: fc.Arbitrary<T>, ...bad: fc.Arbitrary<unknown>[]) => fc.oneof({ weight: 15, arbitrary: good as fc.Arbitrary<unknown> }, ...bad.map((b) => ({ weight: 1, arbitrary: b })));
  const data = fc
    .record({
      namespace: rare(fc.constant(ir.serve.api.namespace), fc.string({ maxLength: 4 }), fc.constant(undefined)),
      attributes: fc.oneof({ weight: 6, arbitrary: single as fc.Arbitrary<unknown> }, { weight: 3, arbitrary: batch }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 1 }) }),
      parameters: rare(
        given,
        fc.constant(null),
        fc.constant(undefined),
        fc.jsonValue({ maxDepth: 1 }),
        given.map((g) => ({ ...g, unknown_parameter: 1 })),
      ),
      identifier: rare(fc.constant(undefined), fc.string({ maxLength: 4 }), fc.constant(null), fc.integer()),
      extra: rare(fc.constant(undefined), fc.jsonValue({ maxDepth: 1 })),
    })
    .map((d) => Object.fromEntries(Object.entries(d).filter(([, v]) => v !== undefined)));
  return fc.oneof({ weight: 9, arbitrary: data }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }) });
}

describe("the decoder's verdict is the published PredictRequest's, as any JSON Schema validator reads it", () => {
  for (const name of ["spam", "iris", "keywords", "ner", "sensor"]) {
    test(name, async () => {
      const ir = name === "sensor" ? appIR() : await exampleIR(name);
      const doc = openapiDocument(ir) as Doc;
      const ajv = new Ajv2020({ strict: false });
      ajv.addSchema(doc, "openapi.json");
      const standard = ajv.getSchema("openapi.json#/components/schemas/PredictRequest")!;
      const decode = decoderOf(ir, doc);
      // At the document's own row cap (a server started with another MESH_MAX_ROWS differs by design).
      const maxRows = ir.serve.limits.maxRows;
      const verdicts = { ok: 0, refused: 0 };
      fc.assert(
        fc.property(bodies(ir, schemasOf(doc)), (data) => {
          const ours = decode(data, maxRows);
          const theirs = standard({ data });
          verdicts[ours.ok ? "ok" : "refused"]++;
          // One rule JSON Schema cannot state (BatchAttributes says it in words): equal column lengths.
          const onlyUnstated = !ours.ok && ours.errors.every((e) => e.code === "length_mismatch");
          if (ours.ok !== theirs && !(theirs && onlyUnstated))
            throw new Error(`decoder says ${ours.ok}, the schema says ${theirs}: ${JSON.stringify(data).slice(0, 300)} ${JSON.stringify(ours.ok ? ours.decoded : ours.errors).slice(0, 300)}`);
          if (!ours.ok) for (const e of ours.errors) expect(e.source?.pointer).toMatch(/^\/data(\/|$)/);
        }),
        { numRuns: 500, seed: 12 },
      );
      // Both verdicts are common, or agreement would say little.
      expect(verdicts.ok, JSON.stringify(verdicts)).toBeGreaterThan(50);
      expect(verdicts.refused, JSON.stringify(verdicts)).toBeGreaterThan(100);
    });
  }
});
