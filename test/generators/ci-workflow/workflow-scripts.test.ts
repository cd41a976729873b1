/**
 * The workflow's shell scripts, run for real: change detection in a git repository (which
 * projects a pull request, a push or a manual run touches) and the installed-copy check.
 */
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { ProjectIR } from "../../../compiler/ir.js";
import { changesPathsEnv, changesScript } from "../../../generators/ci-workflow/changes.js";
import { INSTALLED_WORKFLOW_CHECK } from "../../../generators/ci-workflow/jobs.js";
import { EXAMPLES, exampleIr } from "../../support/k8s/support.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-ci-"));
  dirs.push(d);
  return d;
};

let irs: ProjectIR[] = [];
let repo = "";
const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.org", "-c", "commit.gpgsign=false", ...args], { cwd: repo, encoding: "utf8" }).trim();
const write = (p: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(repo, p)), { recursive: true });
  fs.writeFileSync(path.join(repo, p), text);
};
function commit(files: Record<string, string>): string {
  for (const [p, t] of Object.entries(files)) write(p, t);
  git("add", "-A");
  git("commit", "-q", "--allow-empty", "-m", "change");
  return git("rev-parse", "HEAD");
}

/** Runs the detection script with the given event; returns the outputs it wrote. */
function detect(env: Record<string, string>): Record<string, string> {
  const temp = tempDir();
  const output = path.join(temp, "output");
  const r = spawnSync("bash", ["-c", changesScript(irs)], {
    cwd: repo,
    encoding: "utf8",
    env: { PATH: process.env.PATH, RUNNER_TEMP: temp, GITHUB_OUTPUT: output, PR_BASE: "", BEFORE: "", ...changesPathsEnv(irs), ...env },
  });
  if (r.status !== 0) throw new Error(`detection failed: ${r.stderr}`);
  return Object.fromEntries(
    fs
      .readFileSync(output, "utf8")
      .trim()
      .split("\n")
      .map((l) => l.split("=") as [string, string]),
  );
}

beforeAll(async () => {
  irs = await Promise.all(EXAMPLES.map((n) => exampleIr(n)));
  repo = tempDir();
  git("init", "-q");
  commit({ "projects/spam/project.yaml": "a\n", "projects/iris/project.yaml": "a\n", "projects/colors/project.yaml": "a\n", "runtimes/serve/x.ts": "a\n", "docs/notes.md": "a\n" });
});

describe("change detection", () => {
  test("a pull request touching one spec selects that project only", () => {
    const base = git("rev-parse", "HEAD");
    commit({ "projects/iris/project.yaml": "b\n" });
    expect(detect({ EVENT: "pull_request", PR_BASE: base })).toEqual({ colors: "false", iris: "true", spam: "false", any: "true" });
  });

  test("a push touching a project's model file or generated output selects that project", () => {
    const before = git("rev-parse", "HEAD");
    commit({ "projects/colors/model.onnx": "bytes\n", "out/spam/Makefile": "x\n" });
    expect(detect({ EVENT: "push", BEFORE: before })).toEqual({ colors: "true", iris: "false", spam: "true", any: "true" });
  });

  test("a change outside every project and the shared code selects nothing", () => {
    const base = git("rev-parse", "HEAD");
    commit({ "docs/notes.md": "b\n" });
    expect(detect({ EVENT: "pull_request", PR_BASE: base })).toEqual({ colors: "false", iris: "false", spam: "false", any: "false" });
  });

  test("a change to the shared runtimes or the lockfile selects every project", () => {
    for (const file of ["runtimes/serve/x.ts", "package-lock.json"]) {
      const base = git("rev-parse", "HEAD");
      commit({ [file]: `${Math.random()}\n` });
      expect(detect({ EVENT: "pull_request", PR_BASE: base }), file).toEqual({ colors: "true", iris: "true", spam: "true", any: "true" });
    }
  });

  test("a manual run, a new branch (zero before) or an unknown base selects every project", () => {
    const all = { colors: "true", iris: "true", spam: "true", any: "true" };
    expect(detect({ EVENT: "workflow_dispatch" })).toEqual(all);
    expect(detect({ EVENT: "push", BEFORE: "0".repeat(40) })).toEqual(all);
    expect(detect({ EVENT: "push", BEFORE: "1234567890abcdef1234567890abcdef12345678" })).toEqual(all);
  });
});

describe("installed workflow check", () => {
  const run = (installed: string | undefined) => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, "out/ci"), { recursive: true });
    fs.mkdirSync(path.join(dir, ".github/workflows"), { recursive: true });
    fs.writeFileSync(path.join(dir, "out/ci/workflow.yaml"), "generated\n");
    if (installed !== undefined) fs.writeFileSync(path.join(dir, ".github/workflows/mesh.yaml"), installed);
    return spawnSync("bash", ["-c", INSTALLED_WORKFLOW_CHECK], {
      cwd: dir,
      encoding: "utf8",
      env: { PATH: process.env.PATH, GITHUB_WORKFLOW_REF: "acme/models/.github/workflows/mesh.yaml@refs/pull/7/merge" },
    });
  };
  test("passes when the running workflow file is the generated one", () => {
    expect(run("generated\n").status).toBe(0);
  });
  test("fails with an annotation naming the file when the copy is stale or missing", () => {
    const stale = run("old\n");
    expect(stale.status).toBe(1);
    expect(stale.stdout).toContain("::error file=.github/workflows/mesh.yaml::.github/workflows/mesh.yaml differs from out/ci/workflow.yaml");
    expect(run(undefined).status).toBe(1);
  });
});
