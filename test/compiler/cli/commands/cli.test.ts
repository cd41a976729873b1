/**
 * The built CLI, as users run it: `mesh validate`, `mesh schema`, `mesh new`, exit codes,
 * stdout/stderr. The sources are compiled once into a private folder (not dist/, which other
 * suites may be rebuilding) and run with node.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO, edit, exampleText } from "../../../support/frontend/helpers.js";

const OUT = join(REPO, ".vitest-tmp", `frontend-cli-${process.pid}`);
const MAIN = join(OUT, "compiler", "cli", "main.js");
const temps: string[] = [];

beforeAll(() => {
  // Type errors elsewhere in the tree do not stop tsc from emitting; only a missing entry point fails here.
  spawnSync(process.execPath, [join(REPO, "node_modules/typescript/bin/tsc"), "-p", join(REPO, "tsconfig.build.json"), "--outDir", OUT], { cwd: REPO, stdio: "ignore" });
  writeFileSync(join(OUT, "package.json"), '{ "type": "module" }\n');
  if (!existsSync(MAIN)) throw new Error(`the CLI did not build into ${OUT}`);
}, 120_000);

afterAll(() => {
  rmSync(OUT, { recursive: true, force: true });
  for (const t of temps) rmSync(t, { recursive: true, force: true });
});

function mesh(args: readonly string[], cwd = REPO) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A fresh workspace folder holding `files`. */
function tempWorkspace(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "mesh-frontend-"));
  temps.push(dir);
  mkdirSync(join(dir, "projects"));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(join(dir, p, ".."), { recursive: true });
    writeFileSync(join(dir, p), text);
  }
  return dir;
}

describe("mesh validate", () => {
  it("passes on the examples, one line per spec", () => {
    const r = mesh(["validate"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    for (const name of ["colors", "iris", "spam"]) expect(r.stdout).toContain(`projects/${name}/project.yaml: ok\n`);
    expect(r.stdout).toMatch(/\d+ specs valid\n$/);
  });

  it("fails on a bad spec with the diagnostic on stderr and exit 1", () => {
    const ws = tempWorkspace({
      "projects/spam/project.yaml": edit(exampleText("spam"), "    batching: {", "    batchng: {"),
      "projects/iris/project.yaml": exampleText("iris"),
    });
    const r = mesh(["validate"], ws);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('projects/spam/project.yaml:47:5 error MESH013 steps.serve.batchng: unknown key "batchng"; did you mean "batching"?\n');
    expect(r.stdout).toBe("projects/iris/project.yaml: ok\nprojects/spam/project.yaml: 1 error\ninvalid: 1 error in 1 file\n");
  });

  it("gives JSON lines with --format json", () => {
    const ws = tempWorkspace({ "projects/iris/project.yaml": edit(exampleText("iris"), "port: 8001", "port: 0"), "mesh.yaml": "apiVersion: mesh/v1\nkind: Workspace\n" });
    const r = mesh(["validate", "--format", "json"], ws);
    expect(r.code).toBe(1);
    expect(
      r.stderr
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([{ file: "projects/iris/project.yaml", line: 42, column: 11, severity: "error", code: "MESH015", path: "steps.serve.port", message: "expected integer from 1 to 65535, got 0" }]);
    expect(JSON.parse(r.stdout)).toEqual({
      valid: false,
      files: [
        { file: "mesh.yaml", ok: true, errors: 0 },
        { file: "projects/iris/project.yaml", ok: false, errors: 1 },
      ],
    });
  });

  it("takes spec paths relative to the current folder", () => {
    const ws = tempWorkspace({ "projects/iris/project.yaml": exampleText("iris") });
    const r = mesh(["validate", "project.yaml"], join(ws, "projects", "iris"));
    expect([r.code, r.stdout]).toEqual([0, "projects/iris/project.yaml: ok\n1 spec valid\n"]);
    expect(mesh(["validate", "missing.yaml"], ws).stderr).toBe("missing.yaml error MESH001: file not found\n");
  });

  it("exits 2 on usage errors", () => {
    expect(mesh(["validate", "--format", "xml"]).code).toBe(2);
    // A spec outside the workspace is read (validation writes nothing): /etc/passwd is no spec.
    const r = mesh(["validate", "/etc/passwd"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^(\.\.\/)+etc\/passwd:\d+:\d+ error MESH0\d\d/);
  });
});

describe("mesh schema", () => {
  it("prints the committed project schema, and the workspace one with --workspace", () => {
    const r = mesh(["schema"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readFileSync(join(REPO, "schemas/project.schema.json"), "utf8"));
    expect(mesh(["schema", "--workspace"]).stdout).toBe(readFileSync(join(REPO, "schemas/workspace.schema.json"), "utf8"));
  });
  it("writes --out FILE", () => {
    const ws = tempWorkspace({});
    const r = mesh(["schema", "--out", "s/project.schema.json"], ws);
    expect([r.code, r.stdout]).toEqual([0, "wrote s/project.schema.json\n"]);
    expect(readFileSync(join(ws, "s/project.schema.json"), "utf8")).toBe(readFileSync(join(REPO, "schemas/project.schema.json"), "utf8"));
  });
});

describe("mesh new", () => {
  it.each(["text-classification", "tabular-classification"])("scaffolds a %s spec that validates as written", (task) => {
    const ws = tempWorkspace({});
    const r = mesh(["new", "my-model", "--task", task], ws);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("created projects/my-model/project.yaml");
    const text = readFileSync(join(ws, "projects/my-model/project.yaml"), "utf8");
    expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=../../schemas/project.schema.json");
    expect(text).toContain("key: MY_MODEL\n");
    const v = mesh(["validate"], ws);
    expect([v.code, v.stderr]).toEqual([0, ""]);
  });
  it("refuses to overwrite (exit 1) and refuses bad names before touching any path (exit 2)", () => {
    const ws = tempWorkspace({ "projects/taken/project.yaml": "# mine\n" });
    const r = mesh(["new", "taken"], ws);
    expect([r.code, r.stderr]).toEqual([1, "mesh new: projects/taken/project.yaml already exists\n"]);
    expect(readFileSync(join(ws, "projects/taken/project.yaml"), "utf8")).toBe("# mine\n");
    for (const bad of ["../evil", "$(id)", "x".repeat(41), "-x"]) {
      const b = mesh(["new", bad], ws);
      expect(b.code).toBe(2);
      // "-x" is taken for an option by the parser: still a usage error, still nothing written.
      if (!bad.startsWith("-")) expect(b.stderr).toContain("is not a valid project name");
    }
    expect(existsSync(join(ws, "evil"))).toBe(false);
    expect(mesh(["new", "ok", "--task", "regression"], ws).code).toBe(2);
  });
});

describe("help", () => {
  it.each([
    ["validate", "--format"],
    ["schema", "--out"],
    ["new", "--task"],
  ])("mesh %s --help", (cmd, option) => {
    const r = mesh([cmd, "--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`Usage: mesh ${cmd}`);
    expect(r.stdout).toContain(option);
  });
});
