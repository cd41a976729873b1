/** Finding the workspace from any cwd, and typed paths as workspace-relative paths. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findWorkspaceRoot, toWorkspacePath } from "../../../compiler/cli/workspace.js";
import { resolveOutDir } from "../../../compiler/plan/out-dir.js";

let dir = "";
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
const make = (...rels: string[]) => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-root-"));
  for (const r of rels) {
    const p = path.join(dir, r);
    if (r.endsWith("/")) fs.mkdirSync(p, { recursive: true });
    else {
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, "");
    }
  }
  return dir;
};

describe("findWorkspaceRoot", () => {
  it("prefers the nearest folder with mesh.yaml over a nearer projects/ folder", () => {
    const ws = make("mesh.yaml", "projects/a/project.yaml", "tools/sub/projects/");
    expect(findWorkspaceRoot(path.join(ws, "tools/sub"))).toBe(ws);
    expect(findWorkspaceRoot(path.join(ws, "projects/a"))).toBe(ws);
  });

  it("without mesh.yaml, takes the nearest folder holding projects/, else the cwd", () => {
    const ws = make("projects/a/project.yaml", "deep/er/");
    expect(findWorkspaceRoot(path.join(ws, "projects/a"))).toBe(ws);
    expect(findWorkspaceRoot(path.join(ws, "deep/er"))).toBe(ws);
  });
});

describe("paths", () => {
  it("turns typed paths into workspace-relative POSIX paths, refusing the root and anything outside", () => {
    const ws = make("projects/");
    expect(toWorkspacePath(ws, path.join(ws, "projects"), "a/project.yaml")).toBe("projects/a/project.yaml");
    expect(toWorkspacePath(ws, ws, path.join(ws, "out"))).toBe("out");
    expect(toWorkspacePath(ws, ws, ".")).toBeUndefined();
    expect(toWorkspacePath(ws, ws, "../x")).toBeUndefined();
    expect(toWorkspacePath(ws, ws, "..x/y")).toBe("..x/y");
  });

  it("resolveOutDir accepts a not-yet-existing folder inside and refuses links that lead out", () => {
    const ws = make("projects/");
    expect(resolveOutDir(ws, ws, "build/gen")).toEqual({ outDir: "build/gen" });
    fs.symlinkSync(os.tmpdir(), path.join(ws, "tmp-link"));
    expect(resolveOutDir(ws, ws, "tmp-link/gen")).toMatchObject({ error: expect.stringContaining("symbolic link") });
    fs.symlinkSync(ws, path.join(ws, "self-link"));
    expect(resolveOutDir(ws, ws, "self-link")).toMatchObject({ error: expect.stringContaining("symbolic link") });
  });
});
