/**
 * Golden output: every example project (projects/*), and the workspace-level outputs (out/ci/),
 * generated in memory and compared, file by file, with the committed snapshot under
 * test/golden/__snapshots__/<folder>/<path> — the manifest included, so modes and the file list
 * are pinned too. A generator change shows up here as a reviewable diff of real output.
 *
 * After an intended change:   npx vitest run test/golden -u   (then review and commit the diff)
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { compileWorkspace } from "../../compiler/pipeline.js";
import { formatDiagnostics } from "../../compiler/diagnostics/format.js";
import { nodeHost } from "../../compiler/host.js";
import { WORKSPACE_GENERATORS, generateProject } from "../../generators/index.js";
import { MANIFEST_FILE, buildManifest, renderManifest } from "../../compiler/plan/manifest.js";
import { workspaceOwner } from "../../compiler/plan/plan-workspace-outputs.js";
import type { GeneratedFile } from "../../compiler/ir.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, "../..");
const SNAPSHOTS = path.join(HERE, "__snapshots__");
const UPDATE = "npx vitest run test/golden -u";

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

/** True when vitest runs with -u (snapshots are being rewritten). */
const updating = () => (expect.getState().snapshotState as unknown as { _updateSnapshot?: string } | undefined)?._updateSnapshot === "all";

function listSnapshots(dir: string): string[] {
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
  it.each(files)("$path", async ({ path: rel, contents }) => {
    await expect(contents, `out/${name}/${rel} differs from its golden snapshot; if intended, run \`${UPDATE}\` and commit the diff`).toMatchFileSnapshot(
      path.join(SNAPSHOTS, name, rel),
    );
  });

  it("has no stale snapshots (files no longer generated)", () => {
    const dir = path.join(SNAPSHOTS, name);
    const stale = listSnapshots(dir).filter((p) => !files.some((f) => f.path === p));
    if (stale.length > 0 && updating()) {
      for (const p of stale) fs.rmSync(path.join(dir, p));
      return;
    }
    expect(stale, `snapshots of files mesh no longer generates for ${name}; run \`${UPDATE}\` to remove them`).toEqual([]);
  });
});

it("has no snapshots of projects that no longer exist", () => {
  const known = new Set(projects.map((p) => p.name));
  const stale = fs.existsSync(SNAPSHOTS) ? fs.readdirSync(SNAPSHOTS).filter((d) => !known.has(d)) : [];
  if (stale.length > 0 && updating()) {
    for (const d of stale) fs.rmSync(path.join(SNAPSHOTS, d), { recursive: true });
    return;
  }
  expect(stale, `snapshot folders of removed projects; run \`${UPDATE}\` to remove them`).toEqual([]);
});
