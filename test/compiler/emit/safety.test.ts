/**
 * Outside-path refusal: nothing a generator returns and nothing an old manifest says may make
 * mesh write or delete outside `out/<name>/` — and when anything is refused, nothing is written.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generateWorkspace } from "../../../compiler/generate/generate-workspace.js";
import { nodeHost } from "../../../compiler/host.js";
import { unsafePathReason } from "../../../compiler/plan/safe-path.js";
import { fakeGenerate, generateWith, memoryWorkspace, readTree, tempWorkspace } from "../../support/emit/fixtures.js";

const UNSAFE = ["../x", "/etc/x", "a/../../x", "a\\..\\x", "a\0b", "", "a//b", "./a", "a/.", "a/", "C:/x", "a\nb"];

describe("generated paths", () => {
  it.each(UNSAFE)("refuses %j with MESH301 and writes nothing", async (bad) => {
    const host = memoryWorkspace(["alpha", "beta"]);
    const before = host.snapshot();
    const r = await generateWorkspace(host, { outDir: "out", mode: "write", generate: generateWith([{ path: bad, contents: "x", mode: 0o644 }]) });
    expect(r.plans).toBeUndefined();
    expect(r.diagnostics.map((d) => d.code)).toContain("MESH301");
    expect(host.snapshot()).toEqual(before);
  });

  it("refuses a generated file named like the manifest, and a file that is also a folder", async () => {
    const host = memoryWorkspace(["alpha"]);
    const r = await generateWorkspace(host, {
      outDir: "out",
      mode: "write",
      generate: generateWith([
        { path: ".mesh-manifest.json", contents: "{}", mode: 0o644 },
        { path: "Makefile/inner", contents: "x", mode: 0o644 },
      ]),
    });
    expect(r.diagnostics.map((d) => d.code)).toEqual(["MESH302", "MESH302"]);
    expect(r.diagnostics[1]?.message).toContain("Makefile is generated as a file and as a folder");
    expect([...host.files.keys()].some((p) => p.startsWith("out/"))).toBe(false);
  });

  it("turns a throwing generator into a diagnostic instead of a crash", async () => {
    const host = memoryWorkspace(["alpha"]);
    const r = await generateWorkspace(host, {
      outDir: "out",
      mode: "write",
      generate: () => {
        throw new Error("boom");
      },
    });
    expect(r.diagnostics).toMatchObject([{ code: "MESH306", file: "projects/alpha/project.yaml", message: "generating failed: boom" }]);
  });

  it("accepts ordinary names, including dotfiles and names starting with '..'", () => {
    for (const ok of ["Makefile", "serve/.dockerignore", "..hidden", "a/b/c.ts", "a..b"]) expect(unsafePathReason(ok)).toBeUndefined();
  });
});

describe("a tampered manifest", () => {
  const tamper = (files: Record<string, unknown>) => JSON.stringify({ generator: "mesh", version: "0", spec: "x", specHash: "0", files });

  it.each(["../../../victim.txt", "/etc/passwd", "a/../../../victim.txt", "..\\victim.txt"])("listing %j refuses the whole run (MESH304): nothing deleted or written, in any project", async (bad) => {
    const host = memoryWorkspace(["alpha", "beta"]);
    await generateWorkspace(host, { outDir: "out", mode: "write", generate: fakeGenerate });
    host.files.set("victim.txt", { bytes: new TextEncoder().encode("keep me\n"), mode: 0o644 });
    host.files.set("out/alpha/.mesh-manifest.json", { bytes: new TextEncoder().encode(tamper({ [bad]: { sha256: "0", mode: "0644" } })), mode: 0o644 });
    host.files.get("out/beta/Makefile")!.bytes = new TextEncoder().encode("hand edit\n");
    const before = host.snapshot();
    const r = await generateWorkspace(host, { outDir: "out", mode: "write", generate: fakeGenerate });
    expect(r.diagnostics).toMatchObject([{ code: "MESH304", file: "out/alpha/.mesh-manifest.json" }]);
    expect(host.snapshot()).toEqual(before);
  });

  it("that is not JSON, or not a mesh manifest, is an error with a hint", async () => {
    for (const text of ["{not json", '{"files": {}}', "[]"]) {
      const host = memoryWorkspace(["alpha"]);
      host.files.set("out/alpha/.mesh-manifest.json", { bytes: new TextEncoder().encode(text), mode: 0o644 });
      const r = await generateWorkspace(host, { outDir: "out", mode: "write", generate: fakeGenerate });
      expect(r.diagnostics).toMatchObject([{ code: "MESH303", hint: expect.stringContaining("delete out/alpha/.mesh-manifest.json") }]);
      expect(host.files.has("out/alpha/Makefile")).toBe(false);
    }
  });
});

describe("symbolic links (real folders)", () => {
  let dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    dirs = [];
  });

  it("refuses to write through a linked folder inside out/<name>/", async () => {
    const ws = tempWorkspace(["alpha"]);
    const elsewhere = tempWorkspace([]);
    dirs.push(ws, elsewhere);
    fs.mkdirSync(path.join(ws, "out/alpha"), { recursive: true });
    fs.symlinkSync(elsewhere, path.join(ws, "out/alpha/bin"));
    const r = await generateWorkspace(nodeHost(ws), { outDir: "out", mode: "write", generate: fakeGenerate });
    expect(r.diagnostics).toMatchObject([{ code: "MESH305", file: "out/alpha/bin" }]);
    expect(readTree(elsewhere)).toEqual({});
    expect(fs.existsSync(path.join(ws, "out/alpha/Makefile"))).toBe(false);
  });

  it("refuses when out/<name> itself is a link, reporting only the link", async () => {
    const ws = tempWorkspace(["alpha"]);
    const elsewhere = tempWorkspace([]);
    dirs.push(ws, elsewhere);
    fs.mkdirSync(path.join(ws, "out"));
    fs.symlinkSync(elsewhere, path.join(ws, "out/alpha"));
    const r = await generateWorkspace(nodeHost(ws), { outDir: "out", mode: "write", generate: fakeGenerate });
    expect(r.diagnostics.map((d) => `${d.code} ${d.file}`)).toEqual(["MESH305 out/alpha"]);
    expect(readTree(elsewhere)).toEqual({});
  });

  it("replaces a generated file that is a link with a real file, leaving the link's target alone", async () => {
    const ws = tempWorkspace(["alpha"]);
    dirs.push(ws);
    await generateWorkspace(nodeHost(ws), { outDir: "out", mode: "write", generate: fakeGenerate });
    const outside = path.join(ws, "outside-makefile");
    fs.copyFileSync(path.join(ws, "out/alpha/Makefile"), outside);
    fs.rmSync(path.join(ws, "out/alpha/Makefile"));
    fs.symlinkSync(outside, path.join(ws, "out/alpha/Makefile"));
    const r = await generateWorkspace(nodeHost(ws), { outDir: "out", mode: "write", generate: fakeGenerate });
    expect(r.plans?.[0]?.files.find((f) => f.path === "Makefile")).toMatchObject({ action: "update", reason: "link" });
    expect(fs.lstatSync(path.join(ws, "out/alpha/Makefile")).isSymbolicLink()).toBe(false);
    expect(fs.existsSync(outside)).toBe(true);
  });
});
