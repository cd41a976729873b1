/**
 * Register: column mapping (from, glob map, enum, types, max_length), bad rows with their
 * position and the budget, de-duplication, the deterministic stratified split, stats, and
 * what gets published (and that nothing is, on failure).
 */
import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import { buildDataset } from "../../../runtimes/register/build-dataset.js";
import { applyMap, globMatch } from "../../../runtimes/register/glob.js";
import { register, type ColumnConfig, type RegisterConfig } from "../../../runtimes/register/index.js";
import { mapRow } from "../../../runtimes/register/map-row.js";
import { splitRows } from "../../../runtimes/register/split.js";
import { TestRegistry } from "../../support/lifecycle/test-registry.js";
import { publishRaw } from "../../support/lifecycle/raw.js";

const col = (name: string, over: Partial<ColumnConfig> = {}): ColumnConfig => ({ name, type: "string", from: name, enum: [], map: [], maxLength: 0, ...over });
const spamColumns = [
  col("text"),
  col("label", {
    from: "group",
    enum: ["ham", "spam"],
    map: [
      ["spam-*", "spam"],
      ["*ham*", "ham"],
    ],
  }),
];
const cfg = (over: Partial<RegisterConfig> = {}): RegisterConfig => ({
  dataset: "mail",
  columns: spamColumns,
  split: { test: 0.25, seed: 42 },
  dedupe: true,
  badRowsMaxFraction: 0,
  target: "label",
  ...over,
});
const numbered = (rows: Record<string, unknown>[]) => rows.map((r, i) => [i + 1, r] as const);

describe("globs", () => {
  test("*, ?, classes and escapes match whole strings", () => {
    expect(globMatch("spam-*", "spam-2")).toBe(true);
    expect(globMatch("spam-*", "xspam-2")).toBe(false);
    expect(globMatch("*ham*", "easy-ham-1")).toBe(true);
    expect(globMatch("ham-?", "ham-12")).toBe(false);
    expect(globMatch("v[0-9]", "v7")).toBe(true);
    expect(globMatch("v[!0-9]", "v7")).toBe(false);
    expect(globMatch("a\\*b", "a*b")).toBe(true);
    expect(globMatch("a\\*b", "axb")).toBe(false);
    expect(globMatch("a.b", "axb")).toBe(false);
  });
  test("the first matching pattern wins; no match keeps the value", () => {
    const map = [
      ["*-ham", "ham"],
      ["hard-*", "hard"],
    ] as const;
    expect(applyMap(map, "hard-ham")).toBe("ham");
    expect(applyMap(map, "hard-x")).toBe("hard");
    expect(applyMap(map, "other")).toBe("other");
  });
});

describe("mapRow", () => {
  test("reads from another column, maps, and checks the enum", () => {
    expect(mapRow({ text: "hi", group: "easy-ham-2" }, spamColumns)).toEqual({ ok: true, row: { text: "hi", label: "ham" } });
    expect(mapRow({ text: "hi", group: "other" }, spamColumns)).toEqual({ ok: false, column: "label", message: '"other" is not one of ham, spam' });
  });
  test("CSV strings convert to numbers, integers and booleans; junk does not", () => {
    const cols = [col("x", { type: "number" }), col("n", { type: "integer" }), col("b", { type: "boolean" })];
    expect(mapRow({ x: "5.1", n: "3", b: "true" }, cols)).toEqual({ ok: true, row: { x: 5.1, n: 3, b: true } });
    expect(mapRow({ x: "abc", n: "3", b: "true" }, cols)).toMatchObject({ ok: false, column: "x", message: 'expected a number, got "abc"' });
    expect(mapRow({ x: 1, n: 2.5, b: true }, cols)).toMatchObject({ ok: false, column: "n", message: "expected an integer, got 2.5" });
    expect(mapRow({ x: 1, n: 2, b: "yes" }, cols)).toMatchObject({ ok: false, column: "b" });
  });
  test("missing values and over-long strings are refused", () => {
    expect(mapRow({ group: "spam-1" }, spamColumns)).toEqual({ ok: false, column: "text", message: "missing value" });
    expect(mapRow({ text: "hi" }, spamColumns)).toEqual({ ok: false, column: "label", message: "missing value (source column group)" });
    expect(mapRow({ t: "toolong" }, [col("t", { maxLength: 3 })])).toEqual({ ok: false, column: "t", message: "7 characters, more than max_length 3" });
  });
});

describe("split", () => {
  const rows = Array.from({ length: 200 }, (_, i) => ({ hash: createHash("sha256").update(String(i)).digest("hex"), stratum: i % 4 === 0 ? "spam" : "ham" }));
  test("same seed, same split; another seed, another split", () => {
    expect(splitRows(rows, 0.2, 1)).toEqual(splitRows(rows, 0.2, 1));
    expect(splitRows(rows, 0.2, 1)).not.toEqual(splitRows(rows, 0.2, 2));
  });
  test("stratified: each label keeps its share in test", () => {
    const s = splitRows(rows, 0.2, 7);
    const test = (label: string) => rows.filter((r, i) => r.stratum === label && s[i] === "test").length;
    expect(test("spam")).toBe(10); // 50 spam × 0.2
    expect(test("ham")).toBe(30); // 150 ham × 0.2
  });
  test("the split follows the rows, not their order", () => {
    const s = splitRows(rows, 0.3, 5);
    const reversed = splitRows([...rows].reverse(), 0.3, 5).reverse();
    expect(reversed).toEqual(s);
  });
});

describe("buildDataset", () => {
  const raw = [
    { text: "a", group: "spam-1" },
    { text: "b", group: "easy-ham-1" },
    { text: "a", group: "spam-2" }, // same mapped row as #1
    { text: "c", group: "hard-ham-1" },
    { text: "d", group: "easy-ham-2" },
  ];
  test("de-duplicates by content after mapping, and counts", () => {
    const d = buildDataset(numbered(raw), cfg());
    expect(d.stats).toMatchObject({ sourceRows: 5, duplicates: 1, rows: 4, badRows: 0, labels: { spam: 1, ham: 3 } });
    expect(d.stats.splits.train.rows + d.stats.splits.test.rows).toBe(4);
    expect(buildDataset(numbered(raw), cfg({ dedupe: false })).stats.rows).toBe(5);
  });
  test("bad rows over the budget fail with their positions", () => {
    const bad = [...raw, { text: "e", group: "weird" }, { group: "spam-1" }];
    expect(() => buildDataset(numbered(bad), cfg({ badRowsMaxFraction: 0.1 }))).toThrow(
      '2 of 7 rows (28.6%) do not fit the schema, over the budget of 10% (register.bad_rows.max_fraction); first: row 6 column label: "weird" is not one of ham, spam; row 7 column text: missing value',
    );
  });
  test("bad rows within the budget are dropped and listed", () => {
    const d = buildDataset(numbered([...raw, { text: "e", group: "weird" }]), cfg({ badRowsMaxFraction: 0.5 }));
    expect(d.badRows).toEqual([{ row: 6, column: "label", message: '"weird" is not one of ham, spam' }]);
    expect(d.stats.rows).toBe(4);
  });
});

describe("register", () => {
  const rows = Array.from({ length: 40 }, (_, i) => ({ text: `mail ${i}`, group: i % 4 === 0 ? "spam-1" : "easy-ham-1" }));

  test("publishes data.jsonl with a _split column, schema.json and a card with stats and hashes", async () => {
    const registry = new TestRegistry();
    const r = await register(cfg(), { project: "p", registry, log: () => {} }, await publishRaw(registry, "p", rows));
    expect(r.skipped).toBe(false);
    const data = Buffer.from(await registry.readDatasetFile(r.ref, "data.jsonl")).toString();
    const lines = data
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(40);
    expect(lines[0]).toMatchObject({ text: "mail 0", label: "spam" });
    expect(new Set(lines.map((l) => l._split))).toEqual(new Set(["train", "test"]));
    expect(r.card.sha256).toBe(createHash("sha256").update(data).digest("hex"));
    expect(r.card.stats).toMatchObject({ rows: 40, labels: { spam: 10, ham: 30 }, splits: { test: { rows: 11, labels: { spam: 3, ham: 8 } } } });
    const schema = JSON.parse(Buffer.from(await registry.readDatasetFile(r.ref, "schema.json")).toString());
    expect(schema.columns[1]).toEqual({ name: "label", type: "string", enum: ["ham", "spam"] });
  });

  test("the same snapshot and config are skipped; a new config publishes version 2", async () => {
    const registry = new TestRegistry();
    const snap = await publishRaw(registry, "p", rows);
    const ctx = { project: "p", registry, log: () => {} };
    await register(cfg(), ctx, snap);
    const again = await register(cfg(), ctx, snap);
    expect(again.skipped).toBe(true);
    expect(registry.publishes).toBe(2); // the raw snapshot and one dataset version
    const changed = await register(cfg({ split: { test: 0.5, seed: 42 } }), ctx, snap);
    expect(changed.ref.version).toBe(2);
  });

  test("rows that do not fit: an error naming the row, and nothing published", async () => {
    const registry = new TestRegistry();
    const bad = [...rows.slice(0, 9), { text: "x", group: "nonsense" }];
    const raw = await publishRaw(registry, "p", bad);
    await expect(register(cfg(), { project: "p", registry, log: () => {} }, raw)).rejects.toThrow(
      /^dataset mail: 1 of 10 rows \(10\.0%\) do not fit the schema.*row 10 column label: "nonsense" is not one of ham, spam/,
    );
    expect(await registry.listDatasetVersions("p", "mail")).toEqual([]);
  });

  test("a snapshot whose card lies about its content is refused", async () => {
    const registry = new TestRegistry();
    const raw = await publishRaw(registry, "p", rows, { lieAboutSha: true });
    await expect(register(cfg(), { project: "p", registry, log: () => {} }, raw)).rejects.toThrow("raw snapshot raw-1 does not match its recorded sha256; run the ingest step again");
    expect(await registry.listDatasetVersions("p", "mail")).toEqual([]);
  });

  test("the dataset name raw is reserved for ingest", async () => {
    const registry = new TestRegistry();
    const raw = await publishRaw(registry, "p", rows);
    await expect(register(cfg({ dataset: "raw" }), { project: "p", registry, log: () => {} }, raw)).rejects.toThrow(/dataset name raw is reserved/);
  });
});
