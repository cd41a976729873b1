/**
 * The generate cache: a no-op run skips generators only when the IR, the generator code and
 * every file on disk are what the cache and manifest say; any doubt means a full plan.
 */
import { describe, expect, it } from "vitest";
import { generateWorkspace } from "../../../compiler/generate/generate-workspace.js";
import { CACHE_FILE } from "../../../compiler/plan/cache.js";
import type { GeneratedFile, ProjectIR } from "../../../compiler/ir.js";
import { fakeGenerate, irisSpec, memoryWorkspace } from "../../support/emit/fixtures.js";

/** fakeGenerate that counts its calls. */
function counting() {
  const calls: string[] = [];
  const generate = (ir: ProjectIR): GeneratedFile[] => {
    calls.push(ir.name);
    return fakeGenerate(ir);
  };
  return { calls, generate };
}
const run = (host: ReturnType<typeof memoryWorkspace>, generate: (ir: ProjectIR) => GeneratedFile[], extra: object = {}) =>
  generateWorkspace(host, { outDir: "out", mode: "write", generate, fingerprint: "fake-v1", ...extra });

describe("generate cache", () => {
  it("a no-op run plans from the cache without running generators, and reports all unchanged", async () => {
    const host = memoryWorkspace(["alpha", "beta"]);
    const g = counting();
    await run(host, g.generate);
    expect(g.calls).toEqual(["alpha", "beta"]);
    expect(host.files.has(CACHE_FILE)).toBe(true);
    const second = await run(host, g.generate);
    expect(g.calls).toEqual(["alpha", "beta"]);
    expect(second.cached).toBe(2);
    expect(second.changed).toBe(false);
    expect(second.plans!.flatMap((p) => p.files.map((f) => `${f.action} ${f.target}`))).toEqual([
      "unchanged out/alpha/.mesh-manifest.json",
      "unchanged out/alpha/Makefile",
      "unchanged out/alpha/bin/run.sh",
      "unchanged out/alpha/data/alpha.txt",
      "unchanged out/beta/.mesh-manifest.json",
      "unchanged out/beta/Makefile",
      "unchanged out/beta/bin/run.sh",
      "unchanged out/beta/data/beta.txt",
    ]);
  });

  it("a hand edit, a mode change or a deleted file is still seen (and repaired)", async () => {
    for (const tamper of [
      (h: ReturnType<typeof memoryWorkspace>) => (h.files.get("out/alpha/Makefile")!.bytes = new TextEncoder().encode("edited\n")),
      (h: ReturnType<typeof memoryWorkspace>) => (h.files.get("out/alpha/bin/run.sh")!.mode = 0o644),
      (h: ReturnType<typeof memoryWorkspace>) => h.files.delete("out/alpha/data/alpha.txt"),
      (h: ReturnType<typeof memoryWorkspace>) => h.files.set("out/alpha/x.mesh-tmp-1-abc", { bytes: new Uint8Array(), mode: 0o644 }),
    ]) {
      const host = memoryWorkspace(["alpha", "beta"]);
      const g = counting();
      await run(host, g.generate);
      const good = host.snapshot();
      tamper(host);
      const check = await run(host, g.generate, { mode: "check" });
      expect(check.changed).toBe(true);
      expect(check.cached).toBe(1);
      expect(g.calls).toEqual(["alpha", "beta", "alpha"]);
      await run(host, g.generate);
      expect(host.snapshot()).toEqual(good);
    }
  });

  it("a spec change or a generator-code change misses the cache", async () => {
    const host = memoryWorkspace(["alpha"]);
    const g = counting();
    await run(host, g.generate);
    host.files.set("projects/alpha/project.yaml", { bytes: new TextEncoder().encode(irisSpec("alpha", "new text")), mode: 0o644 });
    const afterSpec = await run(host, g.generate);
    expect(afterSpec.cached).toBe(0);
    expect(afterSpec.changed).toBe(true);
    const afterCode = await run(host, g.generate, { fingerprint: "fake-v2" });
    expect(afterCode.cached).toBe(0);
    expect(g.calls).toEqual(["alpha", "alpha", "alpha"]);
  });

  it("--no-cache runs every generator; a damaged cache is ignored, not an error", async () => {
    const host = memoryWorkspace(["alpha"]);
    const g = counting();
    await run(host, g.generate);
    expect((await run(host, g.generate, { cache: false })).cached).toBe(0);
    host.files.set(CACHE_FILE, { bytes: new TextEncoder().encode("{garbage"), mode: 0o644 });
    const r = await run(host, g.generate);
    expect(r.diagnostics).toEqual([]);
    expect(r.cached).toBe(0);
    expect((await run(host, g.generate)).cached).toBe(1);
  });

  it("--check and --dry-run never write the cache", async () => {
    const host = memoryWorkspace(["alpha"]);
    await run(host, fakeGenerate, { mode: "dry-run" });
    await run(host, fakeGenerate, { mode: "check" });
    expect(host.files.has(CACHE_FILE)).toBe(false);
  });

  it("a cache entry pointing at a tampered manifest is not trusted", async () => {
    const host = memoryWorkspace(["alpha"]);
    const g = counting();
    await run(host, g.generate);
    const m = host.files.get("out/alpha/.mesh-manifest.json")!;
    m.bytes = new TextEncoder().encode(new TextDecoder().decode(m.bytes).replace('"Makefile"', '"../../victim"'));
    const r = await run(host, g.generate);
    expect(r.diagnostics.map((d) => d.code)).toEqual(["MESH304"]);
  });
});

describe("compile cache (observations)", () => {
  it("skips compile when nothing it read changed, and compiles again when anything did", async () => {
    const host = memoryWorkspace(["alpha"]);
    expect((await run(host, fakeGenerate)).compiled).toBe(true);
    expect((await run(host, fakeGenerate)).compiled).toBe(false);
    const changes: ((h: ReturnType<typeof memoryWorkspace>) => void)[] = [
      (h) => h.files.set("projects/beta/project.yaml", { bytes: new TextEncoder().encode(irisSpec("beta")), mode: 0o644 }),
      (h) => h.files.set("mesh.yaml", { bytes: new TextEncoder().encode("apiVersion: mesh/v1\nkind: Workspace\n"), mode: 0o644 }),
      (h) => h.files.set("projects/alpha/project.yaml", { bytes: new TextEncoder().encode(irisSpec("alpha", "edited")), mode: 0o644 }),
    ];
    for (const change of changes) {
      change(host);
      const r = await run(host, fakeGenerate);
      expect(r.compiled).toBe(true);
      expect((await run(host, fakeGenerate)).compiled).toBe(false);
    }
  });

  it("a different spec selection or output root is a different compile", async () => {
    const host = memoryWorkspace(["alpha", "beta"]);
    await run(host, fakeGenerate);
    expect((await run(host, fakeGenerate, { specPaths: ["projects/alpha/project.yaml"] })).compiled).toBe(true);
    expect((await run(host, fakeGenerate, { outDir: "gen" })).compiled).toBe(true);
    expect((await run(host, fakeGenerate)).compiled).toBe(false);
  });

  it("a compile with warnings is never skipped (the warnings must show every time)", async () => {
    const host = memoryWorkspace([]);
    // An unresolved tag is a YAML warning (MESH011) on an otherwise valid spec.
    const spec = irisSpec("alpha").replace(/^description: .*$/m, 'description: !note "tagged"');
    host.files.set("projects/alpha/project.yaml", { bytes: new TextEncoder().encode(spec), mode: 0o644 });
    const first = await run(host, fakeGenerate);
    expect(first.plans).toBeDefined();
    expect(first.diagnostics.map((d) => d.code)).toEqual(["MESH011"]);
    const second = await run(host, fakeGenerate);
    expect(second.compiled).toBe(true);
    expect(second.diagnostics.map((d) => d.code)).toEqual(["MESH011"]);
  });

  it("with the fast path, a removed project's output is still deleted", async () => {
    const host = memoryWorkspace(["alpha", "beta"]);
    await run(host, fakeGenerate);
    host.files.delete("projects/beta/project.yaml");
    const r = await run(host, fakeGenerate);
    expect(r.compiled).toBe(true);
    expect([...host.files.keys()].some((p) => p.startsWith("out/beta/"))).toBe(false);
  });
});
