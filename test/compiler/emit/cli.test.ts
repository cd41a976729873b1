/**
 * `mesh generate` as a user runs it (in-process, real folders): exit codes, --check on a hand
 * edit, --dry-run writing nothing, --out refusal, and identical bytes from any cwd.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { register, runGenerate } from "../../../compiler/cli/commands/generate.js";
import { readTree, tempWorkspace } from "../../support/emit/fixtures.js";

const TEXT = { format: "text" } as const;
let dirs: string[] = [];
let stdout = "";
let stderr = "";
beforeEach(() => {
  stdout = stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation((s) => ((stdout += String(s)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((s) => ((stderr += String(s)), true));
});
afterEach(() => {
  vi.restoreAllMocks();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  dirs = [];
});
const workspace = (names: string[]) => {
  const ws = tempWorkspace(names);
  dirs.push(ws);
  return ws;
};

describe("mesh generate", () => {
  it("prints one summary line per project; a second run reports all unchanged", async () => {
    const ws = workspace(["alpha", "beta"]);
    expect(await runGenerate([], TEXT, ws)).toBe(0);
    expect(stdout).toMatch(/^out\/alpha: \d+ created, 0 updated, 0 deleted, 0 unchanged\nout\/beta: \d+ created/);
    stdout = "";
    expect(await runGenerate([], TEXT, ws)).toBe(0);
    // out/ci: the workspace CI workflow, generated on whole-workspace runs.
    expect(stdout).toMatch(
      /^out\/alpha: 0 created, 0 updated, 0 deleted, \d+ unchanged\nout\/beta: 0 created, 0 updated, 0 deleted, \d+ unchanged\nout\/ci: 0 created, 0 updated, 0 deleted, 2 unchanged\n$/,
    );
  });

  it("--check exits 0 when up to date and 1 after a hand edit, listing the file; generate then repairs it", async () => {
    const ws = workspace(["alpha"]);
    await runGenerate([], TEXT, ws);
    expect(await runGenerate([], { ...TEXT, check: true }, ws)).toBe(0);
    fs.appendFileSync(path.join(ws, "out/alpha/.mesh-manifest.json"), " ");
    stdout = stderr = "";
    expect(await runGenerate([], { ...TEXT, check: true }, ws)).toBe(1);
    expect(stdout).toContain("update out/alpha/.mesh-manifest.json\n");
    expect(stderr).toContain("out of date");
    expect(await runGenerate([], TEXT, ws)).toBe(0);
    expect(await runGenerate([], { ...TEXT, check: true }, ws)).toBe(0);
  });

  it("--dry-run prints the plan and writes nothing", async () => {
    const ws = workspace(["alpha"]);
    expect(await runGenerate([], { ...TEXT, dryRun: true }, ws)).toBe(0);
    expect(stdout).toContain("create out/alpha/.mesh-manifest.json\n");
    expect(stdout).toMatch(/out\/alpha: \d+ to create, 0 to update, 0 to delete, 0 unchanged/);
    expect(fs.existsSync(path.join(ws, "out"))).toBe(false);
  });

  it("--format json prints the plan as one JSON document", async () => {
    const ws = workspace(["alpha"]);
    expect(await runGenerate([], { format: "json", dryRun: true }, ws)).toBe(0);
    const doc = JSON.parse(stdout);
    expect(doc).toMatchObject({
      mode: "dry-run",
      changed: true,
      wrote: false,
      projects: [
        { name: "alpha", dir: "out/alpha" },
        { name: "ci", dir: "out/ci" },
      ],
    });
    expect(doc.projects[0].files).toContainEqual({ path: "out/alpha/.mesh-manifest.json", action: "create" });
  });

  it("an invalid spec exits 1 with a FILE:LINE:COL diagnostic and writes nothing", async () => {
    const ws = workspace(["alpha"]);
    fs.writeFileSync(path.join(ws, "projects/alpha/project.yaml"), "apiVersion: mesh/v1\nkind: Project\nname: Alpha_1\n");
    expect(await runGenerate([], TEXT, ws)).toBe(1);
    expect(stderr).toMatch(/^projects\/alpha\/project\.yaml(:\d+:\d+)? error MESH\d+/m);
    expect(fs.existsSync(path.join(ws, "out"))).toBe(false);
  });

  it.each([["/tmp/elsewhere"], [".."], ["."], [".git/x"]])("--out %s is refused with exit 2", async (out) => {
    const ws = workspace(["alpha"]);
    expect(await runGenerate([], { ...TEXT, out }, ws)).toBe(2);
    expect(stderr).toMatch(/^mesh generate: --out /);
    expect(readTree(ws)).toEqual({ "projects/alpha/project.yaml": expect.any(String) });
  });

  it("--out through a symbolic link leading outside the workspace is refused", async () => {
    const ws = workspace(["alpha"]);
    const elsewhere = workspace([]);
    fs.symlinkSync(elsewhere, path.join(ws, "linked"));
    expect(await runGenerate([], { ...TEXT, out: "linked/out" }, ws)).toBe(2);
    expect(readTree(elsewhere)).toEqual({});
  });

  it("takes the output root from mesh.yaml's `out` when --out is absent, relative to the root", async () => {
    const ws = workspace(["alpha"]);
    fs.writeFileSync(path.join(ws, "mesh.yaml"), "apiVersion: mesh/v1\nkind: Workspace\nout: build/generated\n");
    expect(await runGenerate([], TEXT, path.join(ws, "projects"))).toBe(0);
    expect(fs.existsSync(path.join(ws, "build/generated/alpha/.mesh-manifest.json"))).toBe(true);
    expect(fs.existsSync(path.join(ws, "out"))).toBe(false);
  });

  it("refuses mesh.yaml's `out` when it leads outside through a link", async () => {
    const ws = workspace(["alpha"]);
    const elsewhere = workspace([]);
    fs.symlinkSync(elsewhere, path.join(ws, "gen"));
    fs.writeFileSync(path.join(ws, "mesh.yaml"), "apiVersion: mesh/v1\nkind: Workspace\nout: gen\n");
    expect(await runGenerate([], TEXT, ws)).toBe(2);
    expect(stderr).toContain("mesh.yaml out: gen leads to");
    expect(readTree(elsewhere)).toEqual({});
  });

  it("a spec outside the workspace is a usage error", async () => {
    const ws = workspace(["alpha"]);
    expect(await runGenerate(["/etc/hosts"], TEXT, ws)).toBe(2);
  });

  it("gives identical bytes from the root, from a subfolder, and with paths relative to that subfolder", async () => {
    const ws = workspace(["alpha", "beta"]);
    await runGenerate([], TEXT, ws);
    const fromRoot = readTree(path.join(ws, "out"));
    fs.rmSync(path.join(ws, "out"), { recursive: true });
    const sub = path.join(ws, "projects/alpha");
    expect(await runGenerate(["project.yaml", "../beta/project.yaml"], { ...TEXT, out: "../../out" }, sub)).toBe(0);
    // Named specs: the same bytes, out/ci/ included (it is generated from every spec of the workspace).
    expect(readTree(path.join(ws, "out"))).toEqual(fromRoot);
    fs.rmSync(path.join(ws, "out"), { recursive: true });
    expect(await runGenerate([], TEXT, sub)).toBe(0);
    expect(readTree(path.join(ws, "out"))).toEqual(fromRoot);
  });

  it("is registered with commander: options parse and the exit code is set", async () => {
    const ws = workspace(["alpha"]);
    const cwd = vi.spyOn(process, "cwd").mockReturnValue(ws);
    const program = new Command("mesh").exitOverride();
    register(program);
    await program.parseAsync(["node", "mesh", "generate", "--check"]);
    expect(process.exitCode).toBe(1);
    await program.parseAsync(["node", "mesh", "generate"]);
    expect(process.exitCode).toBe(0);
    await expect(program.parseAsync(["node", "mesh", "generate", "--format", "yaml"])).rejects.toThrow(/yaml/);
    cwd.mockRestore();
    process.exitCode = 0;
  });
});
