/**
 * The generated decoders against every bad input of issue 3: each is refused with a 400
 * error whose JSON pointer names the field, and good inputs decode with defaults applied.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { appIR, exampleIR, removeTrees } from "../../support/servegen/fixtures.js";
import { errorsOf, loadDecode, writeGenerated, type DecodeFn } from "../../support/servegen/generated.js";
import { ensureBuilt } from "../../support/servegen/workspace.js";

afterAll(removeTrees);

const pointers = (r: ReturnType<DecodeFn>) => errorsOf(r).map((e) => [e.source?.pointer, e.code]);

describe("spam decoder (text, binary threshold parameter)", () => {
  let decode: DecodeFn;
  beforeAll(async () => {
    decode = await loadDecode(await exampleIR("spam"));
  });
  const body = (attributes: unknown, extra: Record<string, unknown> = {}) => ({ namespace: "spam", attributes, ...extra });

  test("a single row decodes, with the parameter default applied", () => {
    const r = decode(body({ text: "hello" }), 64);
    expect(r).toEqual({ ok: true, decoded: { value: { rows: [{ text: "hello" }], parameters: { threshold: 0.5 } }, rows: 1, batch: false } });
  });

  test("the batch form decodes into rows in order; a given parameter wins over the default", () => {
    const r = decode(body({ text: ["a", "b", "c"] }, { parameters: { threshold: 0.9 }, identifier: null }), 64);
    expect(r.ok && r.decoded).toEqual({ value: { rows: [{ text: "a" }, { text: "b" }, { text: "c" }], parameters: { threshold: 0.9 } }, rows: 3, batch: true });
  });

  test("malformed data: not an object, or absent", () => {
    expect(pointers(decode("text", 64))).toEqual([["/data", "invalid_type"]]);
    expect(pointers(decode([1, 2], 64))).toEqual([["/data", "invalid_type"]]);
    expect(pointers(decode(null, 64))).toEqual([["/data", "invalid_type"]]);
    expect(pointers(decode(undefined, 64))).toEqual([["/data", "required"]]);
    expect(pointers(decode(body("just text"), 64))).toEqual([["/data/attributes", "invalid_type"]]);
    expect(pointers(decode(body({ text: "x" }, { parameters: [0.5] }), 64))).toEqual([["/data/parameters", "invalid_type"]]);
  });

  test("missing fields", () => {
    expect(pointers(decode({ attributes: { text: "x" } }, 64))).toEqual([["/data/namespace", "required"]]);
    expect(pointers(decode({ namespace: "spam" }, 64))).toEqual([["/data/attributes", "required"]]);
    expect(pointers(decode(body({}), 64))).toEqual([["/data/attributes/text", "required"]]);
  });

  test("extra fields anywhere are refused, with RFC 6901 escaping in the pointer", () => {
    expect(pointers(decode(body({ text: "x", subject: "y" }), 64))).toEqual([["/data/attributes/subject", "unknown_field"]]);
    expect(pointers(decode(body({ text: "x", "a/b~c": 1 }), 64))).toEqual([["/data/attributes/a~1b~0c", "unknown_field"]]);
    expect(pointers(decode(body({ text: "x" }, { parameters: { threshhold: 0.2 } }), 64))).toEqual([["/data/parameters/threshhold", "unknown_field"]]);
    expect(pointers(decode(body({ text: "x" }, { extra: true }), 64))).toEqual([["/data/extra", "unknown_field"]]);
  });

  test("wrong types", () => {
    expect(pointers(decode(body({ text: 42 }), 64))).toEqual([["/data/attributes/text", "invalid_type"]]);
    expect(pointers(decode(body({ text: null }), 64))).toEqual([["/data/attributes/text", "invalid_type"]]);
    expect(pointers(decode(body({ text: { nested: "x" } }), 64))).toEqual([["/data/attributes/text", "invalid_type"]]);
    expect(pointers(decode(body({ text: "x" }, { parameters: { threshold: "high" } }), 64))).toEqual([["/data/parameters/threshold", "invalid_type"]]);
    expect(pointers(decode(body({ text: "x" }, { identifier: 7 }), 64))).toEqual([["/data/identifier", "invalid_type"]]);
    expect(pointers(decode(body({ text: ["ok", 3, "ok", false] }), 64))).toEqual([
      ["/data/attributes/text/1", "invalid_type"],
      ["/data/attributes/text/3", "invalid_type"],
    ]);
  });

  test("wrong namespace", () => {
    const errors = errorsOf(decode({ namespace: "iris", attributes: { text: "x" } }, 64));
    expect(errors).toEqual([{ status: "400", code: "wrong_namespace", detail: 'must be "spam"', source: { pointer: "/data/namespace" } }]);
    expect(pointers(decode({ namespace: 1, attributes: { text: "x" } }, 64))).toEqual([["/data/namespace", "wrong_namespace"]]);
  });

  test("empty batch and a batch over the maximum", () => {
    expect(pointers(decode(body({ text: [] }), 64))).toEqual([["/data/attributes/text", "empty_batch"]]);
    const rows = Array.from({ length: 65 }, (_, i) => `row ${i}`);
    expect(pointers(decode(body({ text: rows }), 64))).toEqual([["/data/attributes/text", "too_many_rows"]]);
    expect(decode(body({ text: rows.slice(0, 64) }), 64).ok).toBe(true);
    // The limit is the server's (MESH_MAX_ROWS may lower it), not baked into the decoder.
    expect(pointers(decode(body({ text: rows.slice(0, 3) }), 2))).toEqual([["/data/attributes/text", "too_many_rows"]]);
  });

  test("huge strings are refused beyond max_length, single and batch", () => {
    const huge = "x".repeat(100_001);
    expect(pointers(decode(body({ text: huge }), 64))).toEqual([["/data/attributes/text", "too_long"]]);
    expect(pointers(decode(body({ text: ["fine", huge] }), 64))).toEqual([["/data/attributes/text/1", "too_long"]]);
    expect(decode(body({ text: "x".repeat(100_000) }), 64).ok).toBe(true);
  });

  test("NaN, Infinity (JSON.parse of 1e999) and out-of-range numbers", () => {
    const parsed = JSON.parse('{"namespace":"spam","attributes":{"text":"x"},"parameters":{"threshold":1e999}}');
    expect(pointers(decode(parsed, 64))).toEqual([["/data/parameters/threshold", "not_finite"]]);
    expect(pointers(decode(body({ text: "x" }, { parameters: { threshold: Number.NaN } }), 64))).toEqual([["/data/parameters/threshold", "not_finite"]]);
    expect(pointers(decode(body({ text: "x" }, { parameters: { threshold: 1.5 } }), 64))).toEqual([["/data/parameters/threshold", "out_of_range"]]);
    expect(pointers(decode(body({ text: "x" }, { parameters: { threshold: -0.1 } }), 64))).toEqual([["/data/parameters/threshold", "out_of_range"]]);
  });

  test("every problem is reported at once, capped at 20, each a 400", () => {
    const all = errorsOf(decode({ namespace: "nope", attributes: { text: 1, a: 1 }, parameters: { threshold: 9 }, x: 1 }, 64));
    expect(all.map((e) => e.source?.pointer).sort()).toEqual(["/data/attributes/a", "/data/namespace", "/data/parameters/threshold", "/data/x"]);
    const many = errorsOf(decode(body({ text: Array.from({ length: 64 }, () => 0) }), 64));
    expect(many).toHaveLength(20);
    expect(new Set(many.map((e) => e.status))).toEqual(new Set(["400"]));
  });
});

describe("iris decoder (four numbers)", () => {
  let decode: DecodeFn;
  beforeAll(async () => {
    decode = await loadDecode(await exampleIR("iris"));
  });
  const row = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
  const body = (attributes: unknown) => ({ namespace: "iris", attributes });

  test("single and batch rows decode; a mixed form is refused at the odd attribute", () => {
    expect(decode(body(row), 8)).toMatchObject({ ok: true, decoded: { rows: 1, batch: false, value: { rows: [row], parameters: {} } } });
    const batch = { sepal_length: [5.1, 7.7], sepal_width: [3.5, 3.0], petal_length: [1.4, 6.1], petal_width: [0.2, 2.3] };
    const r = decode(body(batch), 8);
    expect(r.ok && r.decoded.value.rows).toEqual([row, { sepal_length: 7.7, sepal_width: 3.0, petal_length: 6.1, petal_width: 2.3 }]);
    expect(pointers(decode(body({ ...batch, petal_width: 0.2 }), 8))).toEqual([["/data/attributes/petal_width", "invalid_type"]]);
  });

  test("batch columns of different lengths", () => {
    const batch = { sepal_length: [5.1, 7.7], sepal_width: [3.5], petal_length: [1.4, 6.1], petal_width: [0.2, 2.3] };
    expect(pointers(decode(body(batch), 8))).toEqual([["/data/attributes/sepal_width", "length_mismatch"]]);
  });

  test("wrong types, strings of digits included, and non-finite numbers in a batch", () => {
    expect(pointers(decode(body({ ...row, sepal_length: "5.1" }), 8))).toEqual([["/data/attributes/sepal_length", "invalid_type"]]);
    expect(pointers(decode(body({ ...row, petal_width: true }), 8))).toEqual([["/data/attributes/petal_width", "invalid_type"]]);
    const batch = { sepal_length: [5.1, 7.7], sepal_width: [3.5, Number.POSITIVE_INFINITY], petal_length: [1.4, 6.1], petal_width: [Number.NaN, 2.3] };
    expect(pointers(decode(body(batch), 8))).toEqual([
      ["/data/attributes/sepal_width/1", "not_finite"],
      ["/data/attributes/petal_width/0", "not_finite"],
    ]);
  });

  test("a missing column", () => {
    const { petal_width: _, ...rest } = row;
    expect(pointers(decode(body(rest), 8))).toEqual([["/data/attributes/petal_width", "required"]]);
  });
});

describe("App decoder (one FP32 row of 8 per request row)", () => {
  let decode: DecodeFn;
  beforeAll(async () => {
    decode = await loadDecode(appIR({ labels: ["low", "mid", "high"] }));
  });
  const body = (attributes: unknown) => ({ namespace: "sensor", attributes });
  const eight = [0, 1, 2, 3, 4, 5, 6, 7];

  test("a row and a batch of rows decode", () => {
    expect(decode(body({ features: eight }), 16)).toMatchObject({ ok: true, decoded: { rows: 1, batch: false } });
    const r = decode(body({ features: [eight, eight.map((x) => -x)] }), 16);
    expect(r.ok && r.decoded).toMatchObject({ rows: 2, batch: true, value: { rows: [{ features: eight }, { features: eight.map((x) => -x) }] } });
  });

  test("wrong row width, wrong element types, NaN, empty and oversized batches", () => {
    expect(pointers(decode(body({ features: eight.slice(1) }), 16))).toEqual([["/data/attributes/features", "wrong_length"]]);
    expect(pointers(decode(body({ features: [0, 1, 2, "3", 4, 5, 6, 7] }), 16))).toEqual([["/data/attributes/features/3", "invalid_type"]]);
    expect(pointers(decode(body({ features: [eight, [0, 1, 2, 3, Number.NaN, 5, 6, 7]] }), 16))).toEqual([["/data/attributes/features/1/4", "not_finite"]]);
    expect(pointers(decode(body({ features: [] }), 16))).toEqual([["/data/attributes/features", "empty_batch"]]);
    expect(pointers(decode(body({ features: Array.from({ length: 17 }, () => eight) }), 16))).toEqual([["/data/attributes/features", "too_many_rows"]]);
    expect(pointers(decode(body({ features: "0,1,2" }), 16))).toEqual([["/data/attributes/features", "invalid_type"]]);
  });
});

test("an INT64 App input refuses fractions (they would be truncated silently)", async () => {
  const decode = await loadDecode(appIR({ datatype: "INT64" }));
  const body = (features: unknown) => ({ namespace: "sensor", attributes: { features } });
  expect(decode(body([0, 1, 2, 3, 4, 5, 6, 7]), 16).ok).toBe(true);
  expect(pointers(decode(body([0, 1, 2.5, 3, 4, 5, 6, 7]), 16))).toEqual([["/data/attributes/features/2", "invalid_type"]]);
});

test("the generated decoder answers the same under plain Node as here (no bundler's module interop in between)", async () => {
  // vitest's loader once hid an ES-module/CommonJS interop bug that only `node main.js` met.
  await ensureBuilt(); // the generated code imports mesh/runtimes/… from dist/
  const spam = await exampleIR("spam");
  const decode = await loadDecode(spam);
  const bodies = [
    { namespace: "spam", attributes: { text: "😀".repeat(100_001) } },
    { namespace: "spam", attributes: { text: "😀".repeat(100_000) }, parameters: null },
    { namespace: "spam", attributes: { text: ["a", "", 3] }, parameters: { threshold: 2, x: 1 } },
    { namespace: "spam", attributes: { text: "x" }, parameters: { threshold: 0.25 } },
  ];
  const url = pathToFileURL(join(writeGenerated(spam), "serve", "decode.js")).href;
  const script = `const { decode } = await import(${JSON.stringify(url)}); const bodies = JSON.parse((await import("node:fs")).readFileSync(0, "utf8")); console.log(JSON.stringify(bodies.map((b) => decode(b, 64))));`;
  const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { input: JSON.stringify(bodies), encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(bodies.map((b) => decode(b, 64)))));
  expect(JSON.parse(out)[0].errors[0].code).toBe("too_long");
});
