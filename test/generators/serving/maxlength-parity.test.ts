/**
 * One meaning of `maxLength` on all three request paths: the generated TypeScript decoder,
 * the JSON Schema the OpenAPI document publishes (checked with ajv, as any client's validator
 * would), and the Neuron server's Python decoder (app.py with its api.json). JSON Schema
 * counts Unicode code points, so all three do; the corpus is built to tell the candidate
 * meanings apart (UTF-16 units, code points, bytes, grapheme clusters) at exactly the limit.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, expect, test } from "vitest";
import type { ProjectIR } from "../../../compiler/ir.js";
import { apiJson } from "../../../generators/neuron/api-json.js";
import { openapiDocument } from "../../../generators/support/openapi-document.js";
import { REPO, exampleIR, removeTrees } from "../../support/servegen/fixtures.js";
import { errorsOf, loadDecode, type DecodeFn } from "../../support/servegen/generated.js";

const LIMIT = 5;
const scratch = mkdtempSync(join(tmpdir(), "mesh-maxlength-"));
afterAll(() => {
  removeTrees();
  rmSync(scratch, { recursive: true, force: true });
});

/** name, text: every entry sits at the limit or one past it under some reading of "length". */
const CORPUS: [string, string][] = [
  ["ascii at the limit", "abcde"],
  ["ascii one past", "abcdef"],
  ["empty", ""],
  ["astral (2 UTF-16 units each) at the limit", "😀😀😀😀😀"],
  ["astral one past", "😀😀😀😀😀😀"],
  ["mathematical letters at the limit", "𝕏𝕏𝕏𝕏𝕏"],
  ["mixed BMP and astral at the limit", "a😀b😀c"],
  ["combining marks: 3 graphemes, 5 code points", "e\u0301e\u0301e"],
  ["combining marks: 3 graphemes, 6 code points", "e\u0301e\u0301e\u0301"],
  ["ZWJ family: 1 grapheme, 5 code points", "👨\u200d👩\u200d👧"],
  ["ZWJ family plus one", "👨\u200d👩\u200d👧!"],
  ["lone surrogates count one each", "\ud800\ud800\ud800\ud800\ud800"],
  ["lone surrogates one past", "\udc00\ud800\udc00\ud800\udc00\ud800"],
  ["a high surrogate before an astral pair", "\ud83d😀abc"],
  ["NULs at the limit", "\u0000\u0000\u0000\u0000\u0000"],
  ["multi-byte UTF-8 (10 bytes) at the limit", "ééééé"],
  ["CJK at the limit", "漢字漢字漢"],
];

/** The count JSON Schema defines: code points, a surrogate pair being one. */
const codePoints = (s: string) => [...s].length;

let ir: ProjectIR;
let decode: DecodeFn;
beforeAll(async () => {
  const spam = await exampleIR("spam");
  const text = spam.serve.api.attributes.find((f) => f.name === "text")!;
  ir = { ...spam, serve: { ...spam.serve, api: { ...spam.serve.api, attributes: [{ ...text, maxLength: LIMIT }] } } };
  decode = await loadDecode(ir);
});

const tsVerdict = (s: string): string => {
  const r = decode({ namespace: "spam", attributes: { text: s } }, 64);
  return r.ok
    ? "ok"
    : errorsOf(r)
        .map((e) => e.code)
        .join(",");
};

function schemaVerdicts(): string[] {
  const schemas = (openapiDocument(ir)["components"] as { schemas: Record<string, object> }).schemas;
  const validate = new Ajv2020({ strict: false }).compile(schemas["Attributes"]!);
  return CORPUS.map(([, s]) => (validate({ text: s }) ? "ok" : validate.errors!.map((e) => (e.keyword === "maxLength" ? "too_long" : e.keyword)).join(",")));
}

function pythonVerdicts(): string[] {
  const dir = join(scratch, "serve-neuron");
  mkdirSync(dir, { recursive: true });
  for (const f of ["app.py", "featurizers.py"]) copyFileSync(join(REPO, "runtimes/neuron/python", f), join(dir, f));
  writeFileSync(join(dir, "api.json"), apiJson(ir));
  writeFileSync(join(dir, "openapi.json"), JSON.stringify(openapiDocument(ir)));
  // JSON.stringify writes lone surrogates as \\udXXX escapes; Python's json reads them back as such.
  writeFileSync(join(dir, "corpus.json"), JSON.stringify(CORPUS.map(([, s]) => s)));
  const script = [
    "import json, sys",
    "sys.path.insert(0, sys.argv[1])",
    "import app",
    "out = []",
    "for s in json.load(open(sys.argv[2], encoding='utf-8')):",
    "    rows, errors, batch = app.decode({'namespace': 'spam', 'attributes': {'text': s}}, 64)",
    "    out.append('ok' if rows is not None else ','.join(e['code'] for e in errors))",
    "print(json.dumps(out))",
  ].join("\n");
  const stdout = execFileSync("/usr/bin/python3", ["-B", "-c", script, dir, join(dir, "corpus.json")], { encoding: "utf8", timeout: 60_000 });
  return JSON.parse(stdout.trim().split("\n").pop()!) as string[];
}

test("the generated decoder, the published JSON Schema and the Python server agree on every string", () => {
  const expected = CORPUS.map(([, s]) => (codePoints(s) <= LIMIT ? "ok" : "too_long"));
  const table = (verdicts: readonly string[]) => CORPUS.map(([name], i) => `${name}: ${verdicts[i]}`);
  expect(table(CORPUS.map(([, s]) => tsVerdict(s)))).toEqual(table(expected));
  expect(table(schemaVerdicts())).toEqual(table(expected));
  expect(table(pythonVerdicts())).toEqual(table(expected));
}, 90_000);

test("the corpus tells the readings apart: UTF-16 units or graphemes would judge it differently", () => {
  const utf16 = CORPUS.map(([, s]) => (s.length <= LIMIT ? "ok" : "too_long"));
  const graphemes = CORPUS.map(([, s]) => ([...new Intl.Segmenter().segment(s)].length <= LIMIT ? "ok" : "too_long"));
  const points = CORPUS.map(([, s]) => (codePoints(s) <= LIMIT ? "ok" : "too_long"));
  expect(utf16).not.toEqual(points);
  expect(graphemes).not.toEqual(points);
});

test("the OpenAPI document says what maxLength counts", () => {
  const schemas = (openapiDocument(ir)["components"] as { schemas: Record<string, { properties: Record<string, { description?: string }> }> }).schemas;
  expect(schemas["Attributes"]!.properties["text"]!.description).toMatch(/code points/);
});

test("list items (keywords' candidates): the decoder and the published schema count code points alike", async () => {
  const keywords = await exampleIR("keywords");
  const decodeKeywords = await loadDecode(keywords);
  const schemas = (openapiDocument(keywords)["components"] as { schemas: Record<string, object> }).schemas;
  const validate = new Ajv2020({ strict: false }).compile(schemas["Parameters"]!);
  const items: [string, string][] = [
    ["200 astral characters (400 UTF-16 units)", "😀".repeat(200)],
    ["201 astral characters", "😀".repeat(201)],
    ["200 ASCII", "a".repeat(200)],
    ["201 ASCII", "a".repeat(201)],
    ["empty", ""],
    ["200 combining pairs (400 code points)", "e\u0301".repeat(200)],
  ];
  const text = keywords.serve.api.attributes[0]!.name;
  for (const [name, item] of items) {
    const r = decodeKeywords({ namespace: keywords.serve.api.namespace, attributes: { [text]: "a text" }, parameters: { candidates: [item] } }, 64);
    const ts = r.ok
      ? "ok"
      : errorsOf(r)
          .map((e) => `${e.code} ${e.source?.pointer}`)
          .join(",");
    const schema = validate({ candidates: [item] }) ? "ok" : "refused";
    const n = codePoints(item);
    const expected = n >= 1 && n <= 200;
    expect(`${name}: ${ts}`).toBe(`${name}: ${expected ? "ok" : `${n === 0 ? "too_short" : "too_long"} /data/parameters/candidates/0`}`);
    expect(`${name}: ${schema}`).toBe(`${name}: ${expected ? "ok" : "refused"}`);
  }
});
