/**
 * Issue 13, item 17: `mesh validate` reads a spec anywhere — validation writes nothing — and
 * reports it with positions like any other spec (its path relative to the workspace root).
 * Writing stays confined: `mesh generate` of that spec, and `--out` outside the workspace, are
 * still refused.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { runValidate } from "../../../../compiler/cli/commands/validate.js";
import { runGenerate } from "../../../../compiler/cli/commands/generate.js";
import { edit, exampleText } from "../../../support/frontend/helpers.js";

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

/** A workspace and, beside it (outside), a folder holding `iris/project.yaml` with `text`. */
function setup(text: string) {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "mesh-outside-")));
  dirs.push(base);
  const ws = path.join(base, "ws");
  fs.mkdirSync(path.join(ws, "projects/spam"), { recursive: true });
  fs.writeFileSync(path.join(ws, "projects/spam/project.yaml"), exampleText("spam"));
  fs.mkdirSync(path.join(base, "elsewhere/iris"), { recursive: true });
  const spec = path.join(base, "elsewhere/iris/project.yaml");
  fs.writeFileSync(spec, text);
  return { ws, spec };
}

const TEXT = { format: "text" } as const;

describe("mesh validate of a spec outside the workspace (issue 13, item 17)", () => {
  it("validates it (absolute or relative to the cwd) and writes nothing", async () => {
    const { ws, spec } = setup(exampleText("iris"));
    const before = fs.readdirSync(ws, { recursive: true }).sort();
    expect(await runValidate([spec], TEXT, ws)).toBe(0);
    expect(stderr).toBe("");
    expect(stdout).toBe("../elsewhere/iris/project.yaml: ok\n1 spec valid\n");
    expect(await runValidate(["../elsewhere/iris/project.yaml"], TEXT, ws)).toBe(0);
    expect(fs.readdirSync(ws, { recursive: true }).sort()).toEqual(before);
  });

  it("reports its problems with FILE:LINE:COL", async () => {
    const { ws, spec } = setup(edit(exampleText("iris"), "port: 8001", "port: 0"));
    expect(await runValidate([spec], TEXT, ws)).toBe(1);
    expect(stderr).toBe("../elsewhere/iris/project.yaml:42:11 error MESH015 steps.serve.port: expected integer from 1 to 65535, got 0\n");
  });

  it("still refuses to generate it, and --out outside the workspace", async () => {
    const { ws, spec } = setup(exampleText("iris"));
    expect(await runGenerate([spec], TEXT, ws)).toBe(2);
    expect(stderr).toMatch(/lies outside the workspace/);
    stderr = "";
    expect(await runGenerate([], { ...TEXT, out: path.join(ws, "..", "out") }, ws)).toBe(2);
    expect(stderr).toMatch(/not a folder inside the workspace/);
    expect(fs.existsSync(path.join(ws, "..", "out"))).toBe(false);
  });
});
