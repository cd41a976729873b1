/**
 * All-or-nothing across projects and determinism, with the real generator registry: one invalid
 * spec among several changes no project's output; generating twice is byte-equal.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { generateWorkspace } from "../../../compiler/generate/generate-workspace.js";
import { nodeHost } from "../../../compiler/host.js";
import { INVALID_SPEC, fakeGenerate, irisSpec, memoryWorkspace, readTree, tempWorkspace } from "../../support/emit/fixtures.js";

let dirs: string[] = [];
afterEach(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  dirs = [];
});

describe("all or nothing", () => {
  it("one invalid spec among several: no project's output changes, even the valid ones'", async () => {
    const host = memoryWorkspace(["alpha", "beta", "gamma"]);
    await generateWorkspace(host, { outDir: "out", mode: "write", generate: fakeGenerate });
    // alpha and gamma would change; beta's spec becomes invalid.
    host.files.set("projects/alpha/project.yaml", { bytes: new TextEncoder().encode(irisSpec("alpha", "changed")), mode: 0o644 });
    host.files.set("projects/beta/project.yaml", { bytes: new TextEncoder().encode(INVALID_SPEC), mode: 0o644 });
    host.files.set("projects/gamma/project.yaml", { bytes: new TextEncoder().encode(irisSpec("gamma", "changed")), mode: 0o644 });
    const before = host.snapshot();
    const r = await generateWorkspace(host, { outDir: "out", mode: "write", generate: fakeGenerate });
    expect(r.plans).toBeUndefined();
    expect(r.diagnostics.some((d) => d.severity === "error" && d.file === "projects/beta/project.yaml")).toBe(true);
    expect(host.snapshot()).toEqual(before);
  });

  it("an invalid spec named explicitly on the command line is enough to stop the run", async () => {
    const host = memoryWorkspace(["alpha"]);
    host.files.set("projects/broken/project.yaml", { bytes: new TextEncoder().encode(INVALID_SPEC), mode: 0o644 });
    const r = await generateWorkspace(host, {
      specPaths: ["projects/alpha/project.yaml", "projects/broken/project.yaml"],
      outDir: "out",
      mode: "write",
      generate: fakeGenerate,
    });
    expect(r.plans).toBeUndefined();
    expect([...host.files.keys()].some((p) => p.startsWith("out/"))).toBe(false);
  });
});

describe("determinism (real generators, real folders)", () => {
  it("generating twice reports everything unchanged and leaves identical bytes", async () => {
    const ws = tempWorkspace(["alpha", "beta"]);
    dirs.push(ws);
    const first = await generateWorkspace(nodeHost(ws), { outDir: "out", mode: "write" });
    expect(first.diagnostics.filter((d) => d.severity === "error")).toEqual([]);
    const bytes1 = readTree(path.join(ws, "out"));
    // cache: false, so the generators really run again: this is what determinism means.
    const second = await generateWorkspace(nodeHost(ws), { outDir: "out", mode: "write", cache: false });
    expect(second.cached).toBe(0);
    expect(second.changed).toBe(false);
    expect(second.wrote).toBe(false);
    expect(second.plans!.flatMap((p) => p.files.map((f) => f.action)).every((a) => a === "unchanged")).toBe(true);
    expect(readTree(path.join(ws, "out"))).toEqual(bytes1);
    // And with the cache (the default), the third run skips the generators altogether.
    const third = await generateWorkspace(nodeHost(ws), { outDir: "out", mode: "write" });
    expect(third.cached).toBe(2);
    expect(third.changed).toBe(false);
  });

  it("the same workspace at two different absolute locations gives identical bytes", async () => {
    const a = tempWorkspace(["alpha"]);
    const b = tempWorkspace(["alpha"]);
    dirs.push(a, b);
    await generateWorkspace(nodeHost(a), { outDir: "out", mode: "write" });
    await generateWorkspace(nodeHost(b), { outDir: "out", mode: "write" });
    const treeA = readTree(path.join(a, "out"));
    expect(Object.keys(treeA).length).toBeGreaterThan(0);
    expect(readTree(path.join(b, "out"))).toEqual(treeA);
    expect(JSON.stringify(treeA)).not.toContain(a);
  });
});
