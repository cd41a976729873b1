/** model.lock.json: canonical text, a strict reader that names the file and the field, and folder verification. */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { compareWithLock, lockFromResolved, parseLock, serializeLock, verifyFolder, type ModelLock, type ResolvedModel } from "../../../runtimes/models/index.js";
import { sha256, tempDir } from "../../support/models/workspace.js";

const H = (s: string) => sha256(s);
const COMMIT = "a".repeat(40);

const resolved: ResolvedModel = {
  uri: "hf://acme/minilm",
  kind: "folder",
  path: "/cache/x",
  revision: COMMIT,
  files: [
    { path: "config.json", sha256: H("{}"), size: 2 },
    { path: "onnx/model.onnx", sha256: H("graph"), size: 5 },
  ],
};

describe("lockFromResolved / serializeLock / parseLock", () => {
  test("round trip, with the canonical text", () => {
    const lock = lockFromResolved(resolved, { signature: { inputs: ["input_ids"] }, labels: ["neg", "pos"] });
    const text = serializeLock(lock);
    expect(text).toBe(
      [
        "{",
        '  "facts": {',
        '    "labels": [',
        '      "neg",',
        '      "pos"',
        "    ],",
        '    "signature": {',
        '      "inputs": [',
        '        "input_ids"',
        "      ]",
        "    }",
        "  },",
        '  "files": {',
        '    "config.json": {',
        `      "sha256": "${H("{}")}",`,
        '      "size": 2',
        "    },",
        '    "onnx/model.onnx": {',
        `      "sha256": "${H("graph")}",`,
        '      "size": 5',
        "    }",
        "  },",
        '  "lockVersion": 1,',
        `  "revision": "${COMMIT}",`,
        '  "source": "hf://acme/minilm"',
        "}",
        "",
      ].join("\n"),
    );
    expect(parseLock(text, "model.lock.json")).toEqual(lock);
  });

  test("the text does not depend on the order things were added in", () => {
    const a = lockFromResolved({ ...resolved, files: [...resolved.files].reverse() }, { b: 1, a: 2 });
    const b = lockFromResolved(resolved, { a: 2, b: 1 });
    expect(serializeLock(a)).toBe(serializeLock(b));
  });

  test("a lock without facts or revision reads as empty facts", () => {
    const text = JSON.stringify({ lockVersion: 1, source: "file://models/m.onnx", files: { "m.onnx": { sha256: H("m"), size: 1 } } });
    expect(parseLock(text, "l.json")).toEqual({ lockVersion: 1, source: "file://models/m.onnx", files: { "m.onnx": { sha256: H("m"), size: 1 } }, facts: {} });
    expect(serializeLock(parseLock(text, "l.json"))).not.toContain("revision");
  });
});

describe("parseLock is strict", () => {
  const good = { lockVersion: 1, source: "hf://acme/minilm", revision: COMMIT, files: { "model.onnx": { sha256: H("g"), size: 1 } }, facts: {} };
  const bad = (patch: Record<string, unknown>) => JSON.stringify({ ...good, ...patch });

  test.each([
    ["{", /^projects\/app\/model\.lock\.json is not valid JSON \(/],
    ["[]", "projects/app/model.lock.json must hold a JSON object"],
    [bad({ extra: true }), 'projects/app/model.lock.json: "extra" is not a lock field (expected facts, files, lockVersion, revision, source)'],
    [bad({ lockVersion: 2 }), 'projects/app/model.lock.json: "lockVersion" must be 1, got 2 (this mesh reads version 1)'],
    [bad({ source: 7 }), 'projects/app/model.lock.json: "source" must be a string (the model source URI)'],
    [bad({ source: "ftp://x" }), 'projects/app/model.lock.json: "source" is not a model source: unknown scheme "ftp:" (use file://, npm:, s3://, https:// or hf://)'],
    [bad({ revision: undefined }), 'projects/app/model.lock.json: "revision" is missing: an hf:// lock pins the commit it resolved to'],
    [bad({ revision: "main" }), 'projects/app/model.lock.json: "revision" must be a 40-digit lowercase commit sha'],
    [bad({ source: "file://m.onnx" }), 'projects/app/model.lock.json: "revision" is only recorded for hf:// sources'],
    [bad({ files: [] }), 'projects/app/model.lock.json: "files" must be an object of path → { sha256, size }'],
    [bad({ files: {} }), 'projects/app/model.lock.json: "files" is empty: a lock pins at least one file'],
    [bad({ files: { "../model.onnx": { sha256: H("g"), size: 1 } } }), 'projects/app/model.lock.json: files["../model.onnx"] names a path that has a ".." segment'],
    [bad({ files: { "model.onnx": "abc" } }), 'projects/app/model.lock.json: files["model.onnx"] must be an object { sha256, size }'],
    [bad({ files: { "model.onnx": { sha256: H("g").toUpperCase(), size: 1 } } }), 'projects/app/model.lock.json: files["model.onnx"].sha256 must be 64 lowercase hex digits'],
    [bad({ files: { "model.onnx": { sha256: "abc", size: 1 } } }), 'projects/app/model.lock.json: files["model.onnx"].sha256 must be 64 lowercase hex digits'],
    [bad({ files: { "model.onnx": { sha256: H("g"), size: -1 } } }), 'projects/app/model.lock.json: files["model.onnx"].size must be a whole number of bytes, 0 or more'],
    [bad({ files: { "model.onnx": { sha256: H("g"), size: 1.5 } } }), 'projects/app/model.lock.json: files["model.onnx"].size must be a whole number of bytes, 0 or more'],
    [bad({ files: { "model.onnx": { sha256: H("g"), size: 1, mtime: 3 } } }), 'projects/app/model.lock.json: files["model.onnx"].mtime is not a file field (expected sha256, size)'],
    [bad({ facts: [] }), 'projects/app/model.lock.json: "facts" must be an object'],
  ])("%s", (text, message) => {
    const run = () => parseLock(text, "projects/app/model.lock.json");
    expect(run).toThrow(expect.objectContaining({ name: "ModelSourceError", code: "invalid-lock" }));
    expect(run).toThrow(message);
  });
});

describe("verifyFolder / compareWithLock", () => {
  const lockFor = (files: Record<string, string>, source = "file://models/m"): ModelLock => ({
    lockVersion: 1,
    source,
    files: Object.fromEntries(Object.entries(files).map(([p, c]) => [p, { sha256: H(c), size: Buffer.byteLength(c) }])),
    facts: {},
  });

  test("a folder holding the locked bytes verifies; other files are not looked at", async () => {
    const dir = tempDir({ "model.onnx": "graph", "onnx/extra.onnx": "x", ".mesh-entry.json": "{}" });
    expect(await verifyFolder(dir, lockFor({ "model.onnx": "graph" }))).toEqual([{ path: "model.onnx", sha256: H("graph"), size: 5 }]);
  });

  test("a changed file is named with both hashes; a missing one is named", async () => {
    const dir = tempDir({ "model.onnx": "graph", "vocab.txt": "b" });
    await expect(verifyFolder(dir, lockFor({ "model.onnx": "graph", "vocab.txt": "a" }))).rejects.toThrow(
      `vocab.txt from ${dir} does not match model.lock.json: expected sha256 ${H("a")}, got ${H("b")}`,
    );
    fs.rmSync(path.join(dir, "vocab.txt"));
    await expect(verifyFolder(dir, lockFor({ "model.onnx": "graph", "vocab.txt": "a" }))).rejects.toThrow(`${dir} has no vocab.txt, which model.lock.json pins; restore it or update the lock`);
  });

  test("several differences: the first is told, and how many more", () => {
    const lock = lockFor({ a: "1", b: "2", c: "3" });
    expect(() => compareWithLock([{ path: "a", sha256: H("x"), size: 1 }], lock, "file://m")).toThrow(
      `a from file://m does not match model.lock.json: expected sha256 ${H("1")}, got ${H("x")} (and 2 more differences)`,
    );
  });
});
