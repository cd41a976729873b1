/**
 * emit on real folders: atomic writes leave no temp files, modes are set, orphans and their
 * emptied folders go, and a failure part-way leaves every previous file exactly as it was.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generateWorkspace } from "../../../compiler/generate/generate-workspace.js";
import { nodeHost, type Host } from "../../../compiler/host.js";
import type { GeneratedFile, ProjectIR } from "../../../compiler/ir.js";
import { fakeGenerate, generateWith, generateWithout, irisSpec, memoryWorkspace, readTree, tempWorkspace } from "../../support/emit/fixtures.js";

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  dirs = [];
});
const workspace = (names: string[]) => {
  const ws = tempWorkspace(names);
  dirs.push(ws);
  return ws;
};

/** A host whose writes fail once `failOn` matches the path being written. */
function failingHost(inner: Host, failOn: (relPath: string) => boolean): Host & { attempts: string[] } {
  const attempts: string[] = [];
  return {
    ...inner,
    attempts,
    writeFileAtomic(rel, contents, mode) {
      attempts.push(rel);
      if (failOn(rel)) throw Object.assign(new Error(`ENOSPC: no space left on device, write '${rel}'`), { code: "ENOSPC" });
      inner.writeFileAtomic(rel, contents, mode);
    },
  };
}

/** Version 2 of the fake output: every file changes, one is new, one is gone. */
const v2 = (ir: ProjectIR): GeneratedFile[] => [
  ...fakeGenerate(ir)
    .filter((f) => f.path !== "data/" + ir.name + ".txt")
    .map((f) => ({ ...f, contents: `${f.contents}# v2\n` })),
  { path: "zz-new/file.txt", contents: "new\n", mode: 0o644 },
];

describe("emit on disk", () => {
  it("writes files with their modes and leaves no temp files", async () => {
    const ws = workspace(["alpha"]);
    const r = await generateWorkspace(nodeHost(ws), { outDir: "out", mode: "write", generate: fakeGenerate });
    expect(r.wrote).toBe(true);
    const tree = readTree(path.join(ws, "out"));
    expect(Object.keys(tree)).toEqual(["alpha/.mesh-manifest.json", "alpha/Makefile", "alpha/bin/run.sh", "alpha/data/alpha.txt"]);
    expect(tree["alpha/bin/run.sh"]?.startsWith("755 #!/bin/sh")).toBe(true);
    expect(tree["alpha/Makefile"]?.startsWith("644 ")).toBe(true);
  });

  it("restores a script's executable bit someone removed", async () => {
    const ws = workspace(["alpha"]);
    await generateWorkspace(nodeHost(ws), { outDir: "out", mode: "write", generate: fakeGenerate });
    fs.chmodSync(path.join(ws, "out/alpha/bin/run.sh"), 0o644);
    await generateWorkspace(nodeHost(ws), { outDir: "out", mode: "write", generate: fakeGenerate });
    expect(fs.statSync(path.join(ws, "out/alpha/bin/run.sh")).mode & 0o777).toBe(0o755);
  });

  it("deletes orphans and prunes the folders they leave empty, keeping folders with other files", async () => {
    const ws = workspace(["alpha"]);
    await generateWorkspace(nodeHost(ws), { outDir: "out", mode: "write", generate: fakeGenerate });
    fs.writeFileSync(path.join(ws, "out/alpha/bin/local-notes.txt"), "mine\n");
    const r = await generateWorkspace(nodeHost(ws), { outDir: "out", mode: "write", generate: generateWithout(["bin/run.sh", "data/alpha.txt"]) });
    expect(r.wrote).toBe(true);
    expect(fs.existsSync(path.join(ws, "out/alpha/data"))).toBe(false);
    expect(fs.readFileSync(path.join(ws, "out/alpha/bin/local-notes.txt"), "utf8")).toBe("mine\n");
    expect(fs.existsSync(path.join(ws, "out/alpha/bin/run.sh"))).toBe(false);
  });

  it("a file may replace a folder that held only orphans", async () => {
    const ws = workspace(["alpha"]);
    await generateWorkspace(nodeHost(ws), { outDir: "out", mode: "write", generate: fakeGenerate });
    const r = await generateWorkspace(nodeHost(ws), {
      outDir: "out",
      mode: "write",
      generate: (ir) => [...generateWithout(["bin/run.sh"])(ir), { path: "bin", contents: "now a file\n", mode: 0o644 }],
    });
    expect(r.diagnostics).toEqual([]);
    expect(fs.readFileSync(path.join(ws, "out/alpha/bin"), "utf8")).toBe("now a file\n");
  });

  it("a failing write part-way leaves every previous file intact, in every project, and no temp files", async () => {
    const ws = workspace(["alpha", "beta"]);
    await generateWorkspace(nodeHost(ws), { outDir: "out", mode: "write", generate: fakeGenerate });
    const before = readTree(path.join(ws, "out"));
    // beta is planned after alpha: alpha's changes are applied, then beta's Makefile fails.
    const host = failingHost(nodeHost(ws), (p) => p === "out/beta/Makefile");
    const r = await generateWorkspace(host, { outDir: "out", mode: "write", generate: v2 });
    expect(r.wrote).toBe(false);
    expect(r.diagnostics).toMatchObject([{ code: "MESH307", file: "out/beta/Makefile", message: expect.stringContaining("every change of this run was undone") }]);
    expect(host.attempts).toContain("out/alpha/Makefile");
    expect(readTree(path.join(ws, "out"))).toEqual(before);
  });

  it("a real file-system failure (a folder where a file must go) is undone too", async () => {
    const ws = workspace(["alpha"]);
    await generateWorkspace(nodeHost(ws), { outDir: "out", mode: "write", generate: fakeGenerate });
    fs.mkdirSync(path.join(ws, "out/alpha/zz-blocker"));
    fs.writeFileSync(path.join(ws, "out/alpha/zz-blocker/keep.txt"), "user file\n");
    const before = readTree(path.join(ws, "out"));
    const r = await generateWorkspace(nodeHost(ws), {
      outDir: "out",
      mode: "write",
      generate: (ir) => [...v2(ir), { path: "zz-blocker", contents: "x\n", mode: 0o644 }],
    });
    expect(r.diagnostics.map((d) => d.code)).toEqual(["MESH307"]);
    expect(readTree(path.join(ws, "out"))).toEqual(before);
    expect(fs.existsSync(path.join(ws, "out/alpha/zz-new"))).toBe(false);
  });

  it("restores deleted orphans when a later write fails (memory host)", async () => {
    const host = memoryWorkspace(["alpha"]);
    await generateWorkspace(host, { outDir: "out", mode: "write", generate: fakeGenerate });
    const before = host.snapshot();
    const failing = failingHost(host, (p) => p.endsWith(".mesh-manifest.json"));
    const r = await generateWorkspace(failing, { outDir: "out", mode: "write", generate: generateWith([{ path: "extra", contents: "e\n", mode: 0o644 }]) });
    expect(r.diagnostics.map((d) => d.code)).toEqual(["MESH307"]);
    expect(host.snapshot()).toEqual(before);
  });

  it("a description change rewrites only the files that depend on it", async () => {
    const ws = workspace(["alpha"]);
    await generateWorkspace(nodeHost(ws), { outDir: "out", mode: "write", generate: fakeGenerate });
    fs.writeFileSync(path.join(ws, "projects/alpha/project.yaml"), irisSpec("alpha", "A new description."));
    const mtimeBefore = fs.statSync(path.join(ws, "out/alpha/Makefile")).mtimeMs;
    const r = await generateWorkspace(nodeHost(ws), { outDir: "out", mode: "write", generate: fakeGenerate });
    const byPath = Object.fromEntries(r.plans![0]!.files.map((f) => [f.path, f.action]));
    expect(byPath).toEqual({ ".mesh-manifest.json": "update", Makefile: "unchanged", "bin/run.sh": "unchanged", "data/alpha.txt": "update" });
    expect(fs.statSync(path.join(ws, "out/alpha/Makefile")).mtimeMs).toBe(mtimeBefore);
  });
});

describe("removed projects on disk", () => {
  it("the emptied output folder of a removed project is pruned too", async () => {
    const ws = workspace(["alpha", "beta"]);
    await generateWorkspace(nodeHost(ws), { outDir: "out", mode: "write", generate: fakeGenerate });
    fs.rmSync(path.join(ws, "projects/beta"), { recursive: true });
    const r = await generateWorkspace(nodeHost(ws), { outDir: "out", mode: "write", generate: fakeGenerate });
    expect(r.wrote).toBe(true);
    expect(fs.readdirSync(path.join(ws, "out"))).toEqual(["alpha"]);
  });
});
