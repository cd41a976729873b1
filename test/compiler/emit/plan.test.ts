/** plan: create / update / delete / unchanged against what is on disk, decided before writing. */
import { describe, expect, it } from "vitest";
import { generateWorkspace } from "../../../compiler/generate/generate-workspace.js";
import type { ProjectPlan } from "../../../compiler/plan/plan.js";
import { fakeGenerate, generateWithout, memoryWorkspace } from "../../support/emit/fixtures.js";

const actions = (plans: readonly ProjectPlan[] | undefined) => Object.fromEntries((plans ?? []).flatMap((p) => p.files.map((f) => [f.target, f.reason ? `${f.action} (${f.reason})` : f.action])));

describe("plan", () => {
  it("creates every file and the manifest in an empty out/", async () => {
    const host = memoryWorkspace(["alpha"]);
    const r = await generateWorkspace(host, { outDir: "out", mode: "dry-run", generate: fakeGenerate });
    expect(r.diagnostics).toEqual([]);
    expect(actions(r.plans)).toEqual({
      "out/alpha/.mesh-manifest.json": "create",
      "out/alpha/Makefile": "create",
      "out/alpha/bin/run.sh": "create",
      "out/alpha/data/alpha.txt": "create",
    });
    expect(r.changed).toBe(true);
    expect(r.wrote).toBe(false);
    expect([...host.files.keys()].filter((p) => p.startsWith("out/"))).toEqual([]);
  });

  it("reports unchanged after a write, and a hand edit as an update", async () => {
    const host = memoryWorkspace(["alpha"]);
    await generateWorkspace(host, { outDir: "out", mode: "write", generate: fakeGenerate });
    const again = await generateWorkspace(host, { outDir: "out", mode: "dry-run", generate: fakeGenerate });
    expect(again.changed).toBe(false);
    expect(new Set(Object.values(actions(again.plans)))).toEqual(new Set(["unchanged"]));

    host.files.get("out/alpha/Makefile")!.bytes = new TextEncoder().encode("# hand edited\n");
    const drift = await generateWorkspace(host, { outDir: "out", mode: "dry-run", generate: fakeGenerate });
    expect(drift.changed).toBe(true);
    expect(actions(drift.plans)["out/alpha/Makefile"]).toBe("update (contents)");
    expect(actions(drift.plans)["out/alpha/.mesh-manifest.json"]).toBe("unchanged");
  });

  it("sees a changed mode as drift (chmod -x on a generated script)", async () => {
    const host = memoryWorkspace(["alpha"]);
    await generateWorkspace(host, { outDir: "out", mode: "write", generate: fakeGenerate });
    host.files.get("out/alpha/bin/run.sh")!.mode = 0o644;
    const r = await generateWorkspace(host, { outDir: "out", mode: "write", generate: fakeGenerate });
    expect(actions(r.plans)["out/alpha/bin/run.sh"]).toBe("update (mode)");
    expect(host.files.get("out/alpha/bin/run.sh")!.mode).toBe(0o755);
  });

  it("deletes files the previous manifest lists that are no longer generated, and nothing else", async () => {
    const host = memoryWorkspace(["alpha"]);
    await generateWorkspace(host, { outDir: "out", mode: "write", generate: fakeGenerate });
    host.files.set("out/alpha/notes.md", { bytes: new TextEncoder().encode("mine\n"), mode: 0o644 });
    const r = await generateWorkspace(host, { outDir: "out", mode: "write", generate: generateWithout(["bin/run.sh"]) });
    expect(actions(r.plans)["out/alpha/bin/run.sh"]).toBe("delete (orphan)");
    expect(host.files.has("out/alpha/bin/run.sh")).toBe(false);
    // A file mesh never generated is not mesh's to delete.
    expect(host.text("out/alpha/notes.md")).toBe("mine\n");
    const manifest = JSON.parse(host.text("out/alpha/.mesh-manifest.json")!);
    expect(Object.keys(manifest.files)).toEqual(["Makefile", "data/alpha.txt"]);
  });

  it("removes a temp file left behind by a killed run", async () => {
    const host = memoryWorkspace(["alpha"]);
    await generateWorkspace(host, { outDir: "out", mode: "write", generate: fakeGenerate });
    host.files.set("out/alpha/Makefile.mesh-tmp-4242-k3j2h1", { bytes: new Uint8Array([1]), mode: 0o644 });
    const r = await generateWorkspace(host, { outDir: "out", mode: "write", generate: fakeGenerate });
    expect(actions(r.plans)["out/alpha/Makefile.mesh-tmp-4242-k3j2h1"]).toBe("delete (stale temp file)");
    expect(host.files.has("out/alpha/Makefile.mesh-tmp-4242-k3j2h1")).toBe(false);
  });

  it("writes a canonical manifest: sorted keys, sha256 and mode per file, no timestamps", async () => {
    const host = memoryWorkspace(["alpha"]);
    await generateWorkspace(host, { outDir: "out", mode: "write", generate: fakeGenerate });
    const text = host.text("out/alpha/.mesh-manifest.json")!;
    const m = JSON.parse(text);
    expect(Object.keys(m)).toEqual(["files", "generator", "spec", "specHash", "version"]);
    expect(m.generator).toBe("mesh");
    expect(m.spec).toBe("projects/alpha/project.yaml");
    expect(m.specHash).toMatch(/^[0-9a-f]{64}$/);
    expect(m.files["bin/run.sh"]).toEqual({ mode: "0755", sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(text.endsWith("}\n")).toBe(true);
    expect(text).not.toMatch(/20\d\d-\d\d-\d\d/);
  });

  it("honours --out: plans under the given folder", async () => {
    const host = memoryWorkspace(["alpha"]);
    const r = await generateWorkspace(host, { outDir: "build/gen", mode: "write", generate: fakeGenerate });
    expect(r.plans?.[0]?.dir).toBe("build/gen/alpha");
    expect(host.files.has("build/gen/alpha/Makefile")).toBe(true);
  });
});

describe("removed projects", () => {
  it("a whole-workspace run deletes the output of a project whose spec is gone, keeping files mesh never wrote", async () => {
    const host = memoryWorkspace(["alpha", "beta"]);
    await generateWorkspace(host, { outDir: "out", mode: "write", generate: fakeGenerate });
    host.files.delete("projects/beta/project.yaml");
    host.files.set("out/alpha/notes.md", { bytes: new TextEncoder().encode("mine\n"), mode: 0o644 });
    const plan = await generateWorkspace(host, { outDir: "out", mode: "dry-run", generate: fakeGenerate });
    expect(Object.entries(actions(plan.plans)).filter(([p]) => p.startsWith("out/beta/"))).toEqual([
      ["out/beta/.mesh-manifest.json", "delete (project removed)"],
      ["out/beta/Makefile", "delete (project removed)"],
      ["out/beta/bin/run.sh", "delete (project removed)"],
      ["out/beta/data/beta.txt", "delete (project removed)"],
    ]);
    await generateWorkspace(host, { outDir: "out", mode: "write", generate: fakeGenerate });
    expect([...host.files.keys()].filter((p) => p.startsWith("out/beta/"))).toEqual([]);
    expect(host.text("out/alpha/notes.md")).toBe("mine\n");
  });

  it("a run over named specs leaves other projects' output alone", async () => {
    const host = memoryWorkspace(["alpha", "beta"]);
    await generateWorkspace(host, { outDir: "out", mode: "write", generate: fakeGenerate });
    const r = await generateWorkspace(host, { specPaths: ["projects/alpha/project.yaml"], outDir: "out", mode: "write", generate: fakeGenerate });
    expect(r.plans?.map((p) => p.dir)).toEqual(["out/alpha"]);
    expect(host.files.has("out/beta/Makefile")).toBe(true);
  });

  it("a folder without a mesh manifest is not mesh's: untouched", async () => {
    const host = memoryWorkspace(["alpha"]);
    host.files.set("out/other/file.txt", { bytes: new TextEncoder().encode("x"), mode: 0o644 });
    host.files.set("out/other2/.mesh-manifest.json", { bytes: new TextEncoder().encode('{"generator":"not-mesh","files":{"file.txt":{}}}'), mode: 0o644 });
    const r = await generateWorkspace(host, { outDir: "out", mode: "write", generate: fakeGenerate });
    // A foreign manifest in mesh's name is an error, not a licence to delete.
    expect(r.diagnostics.map((d) => d.code)).toEqual(["MESH303"]);
    host.files.delete("out/other2/.mesh-manifest.json");
    const ok = await generateWorkspace(host, { outDir: "out", mode: "write", generate: fakeGenerate });
    expect(ok.diagnostics).toEqual([]);
    expect(host.files.has("out/other/file.txt")).toBe(true);
  });
});
