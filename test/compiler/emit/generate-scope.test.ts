/**
 * Issue 13, item 16 (generate): the Makefile's `generate-check` checks the folder it lies in,
 * wherever `--out` put it; and `mesh generate ONE_SPEC` keeps out/ci/ current (it is generated
 * from every spec of the workspace), so the next `mesh generate --check` passes — or, when
 * another spec is broken, leaves out/ci/ alone and says so.
 */
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runGenerate } from "../../../compiler/cli/commands/generate.js";
import { INVALID_SPEC, irisSpec, tempWorkspace } from "../../support/emit/fixtures.js";

const TEXT = { format: "text" } as const;
let dirs: string[] = [];
let stderr = "";
beforeEach(() => {
  stderr = "";
  vi.spyOn(process.stdout, "write").mockImplementation(() => true);
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

/** Runs `make -C <dir> generate-check` with a MESH that records its cwd and argv instead of running. */
function recordedGenerateCheck(dir: string): { cwd: string; argv: string[] } {
  const record = path.join(dir, "..", ".record");
  const fake = path.join(dir, "..", ".fake-mesh.sh");
  fs.writeFileSync(fake, `pwd -P > ${JSON.stringify(record)}\nfor a in "$@"; do printf '%s\\n' "$a" >> ${JSON.stringify(record)}; done\n`);
  const r = spawnSync("make", ["--no-print-directory", "-C", dir, "generate-check", `MESH=sh ${fake}`], { encoding: "utf8" });
  expect(r.status, r.stderr).toBe(0);
  const [cwd, ...argv] = fs.readFileSync(record, "utf8").trimEnd().split("\n");
  fs.rmSync(record);
  fs.rmSync(fake);
  return { cwd: cwd!, argv };
}

/** Replays a recorded `mesh generate …` in process; returns its exit code. */
async function replay({ cwd, argv }: { cwd: string; argv: string[] }): Promise<number> {
  expect(argv.slice(0, 2)).toEqual(["generate", "--check"]);
  const specs: string[] = [];
  let out: string | undefined;
  for (let i = 2; i < argv.length; i++) {
    if (argv[i] === "--out") out = argv[++i];
    else specs.push(argv[i]!);
  }
  return runGenerate(specs, { ...TEXT, check: true, ...(out !== undefined ? { out } : {}) }, cwd);
}

describe("generate-check checks its own folder (issue 13, item 16)", () => {
  it.each(["out", "a/b/c"])("with --out %s", async (out) => {
    const ws = workspace(["alpha"]);
    expect(await runGenerate([], { ...TEXT, out }, ws)).toBe(0);
    const dir = path.join(ws, out, "alpha");
    const call = recordedGenerateCheck(dir);
    expect(call.cwd).toBe(fs.realpathSync(ws));
    expect(await replay(call)).toBe(0);
    // And it bites: a hand edit in that folder makes the recorded check fail.
    fs.appendFileSync(path.join(dir, "README.md"), "hand edit\n");
    expect(await replay(call)).toBe(1);
  });
});

describe("generate ONE_SPEC keeps out/ci/ current (issue 13, item 16)", () => {
  it("adding a project and generating only its spec leaves nothing stale for --check", async () => {
    const ws = workspace(["alpha"]);
    expect(await runGenerate([], TEXT, ws)).toBe(0);
    fs.mkdirSync(path.join(ws, "projects/beta"));
    fs.writeFileSync(path.join(ws, "projects/beta/project.yaml"), irisSpec("beta"));
    expect(await runGenerate(["projects/beta/project.yaml"], TEXT, ws)).toBe(0);
    expect(fs.readFileSync(path.join(ws, "out/ci/workflow.yaml"), "utf8")).toContain("project-beta:");
    expect(await runGenerate([], { ...TEXT, check: true }, ws)).toBe(0);
  });

  it("--check ONE_SPEC sees a stale out/ci/ too", async () => {
    const ws = workspace(["alpha"]);
    expect(await runGenerate([], TEXT, ws)).toBe(0);
    fs.writeFileSync(path.join(ws, "out/ci/workflow.yaml"), "# stale\n");
    expect(await runGenerate(["projects/alpha/project.yaml"], { ...TEXT, check: true }, ws)).toBe(1);
  });

  it("another broken spec: the named project is generated, out/ci/ is left as it is, with a warning", async () => {
    const ws = workspace(["alpha"]);
    expect(await runGenerate([], TEXT, ws)).toBe(0);
    const before = fs.readFileSync(path.join(ws, "out/ci/workflow.yaml"), "utf8");
    fs.mkdirSync(path.join(ws, "projects/broken"));
    fs.writeFileSync(path.join(ws, "projects/broken/project.yaml"), INVALID_SPEC);
    fs.appendFileSync(path.join(ws, "projects/alpha/project.yaml"), "# a comment\n");
    expect(await runGenerate(["projects/alpha/project.yaml"], TEXT, ws)).toBe(0);
    expect(stderr).toMatch(/warning MESH308: out\/ci\/ not updated: it is generated from every spec, and projects\/broken\/project\.yaml have errors/);
    expect(fs.readFileSync(path.join(ws, "out/ci/workflow.yaml"), "utf8")).toBe(before);
  });
});
