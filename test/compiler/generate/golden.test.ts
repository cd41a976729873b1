/**
 * Golden output: every example project (projects/*), and the workspace-level outputs (out/ci/),
 * generated in memory and compared, file by file, with the committed `out/` — the manifest
 * included, so modes and the file list are pinned too. The committed out/ IS the golden copy:
 * a generator change shows up as a reviewable diff of real output in the same commit.
 *
 * After an intended change:   npm run build && ./mesh generate   (then review and commit out/)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compileWorkspace } from "../../../compiler/pipeline.js";
import { formatDiagnostics } from "../../../compiler/diagnostics/format.js";
import { nodeHost } from "../../../compiler/host.js";
import { WORKSPACE_GENERATORS, generateProject } from "../../../generators/index.js";
import { MANIFEST_FILE, buildManifest, renderManifest } from "../../../compiler/plan/manifest.js";
import { workspaceOwner } from "../../../compiler/plan/plan-workspace-outputs.js";
import type { GeneratedFile } from "../../../compiler/ir.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "../../..");
const GOLDEN = path.join(REPO, "out");
const UPDATE = "npm run build && ./mesh generate";

const compiled = await compileWorkspace(nodeHost(REPO));
const irs = compiled.value ?? [];
/** A folder's files as `mesh generate` writes them: the generated ones plus the manifest. */
const withManifest = (name: string, files: readonly GeneratedFile[], manifest: string) => ({
  name,
  files: [...files.map((f) => ({ path: f.path, contents: f.contents })), { path: MANIFEST_FILE, contents: manifest }].sort((a, b) => (a.path < b.path ? -1 : 1)),
});
const projects = [
  ...irs.map((ir) => {
    const files = generateProject(ir);
    return withManifest(ir.name, files, renderManifest(buildManifest(ir, files)));
  }),
  // Workspace-level outputs (out/ci/), generated from every project at once.
  ...Object.entries(WORKSPACE_GENERATORS).map(([folder, generate]) => {
    const files = generate(irs);
    return withManifest(folder, files, renderManifest(buildManifest(workspaceOwner(folder, irs, irs[0]?.meshVersion ?? ""), files)));
  }),
];

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true, withFileTypes: true }) as fs.Dirent[])
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .sort();
}

it("every example project compiles", () => {
  expect(compiled.value, `the examples must compile:\n${formatDiagnostics(compiled.diagnostics)}`).toBeDefined();
  expect(irs.length).toBeGreaterThanOrEqual(3);
});

describe.each(projects)("golden output of out/$name", ({ name, files }) => {
  it.each(files)("$path", ({ path: rel, contents }) => {
    const file = path.join(GOLDEN, name, rel);
    const committed = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : undefined;
    expect(contents, `out/${name}/${rel} differs from what the spec generates; if intended, run \`${UPDATE}\` and commit the diff`).toBe(committed);
  });

  it("has no stale files (no longer generated)", () => {
    const stale = listFiles(path.join(GOLDEN, name)).filter((p) => !files.some((f) => f.path === p));
    expect(stale, `files in out/${name} that mesh no longer generates; run \`${UPDATE}\` to remove them`).toEqual([]);
  });
});

it("has no output folders of projects that no longer exist", () => {
  const known = new Set(projects.map((p) => p.name));
  const stale = fs.existsSync(GOLDEN) ? fs.readdirSync(GOLDEN).filter((d) => !known.has(d)) : [];
  expect(stale, `out/ folders of removed projects; run \`${UPDATE}\` to remove them`).toEqual([]);
});
