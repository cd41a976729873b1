/**
 * Output of projects that no longer exist. When a spec is deleted or a project renamed, its old
 * `out/<name>/` would otherwise linger, with a Makefile that still looks real. A folder directly
 * under the output root whose manifest is mesh's, but whose name no project of the workspace
 * has, is planned for deletion: every file its manifest lists, then the manifest. Files mesh
 * never recorded are left alone (and keep the folder). Only runs over the whole workspace do
 * this — with explicit SPEC arguments, other projects were simply not asked for.
 */
import type { Host } from "../host.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { MANIFEST_FILE, parseManifest } from "./manifest.js";
import { readPrevious, type PlannedFile, type ProjectPlan } from "./plan.js";
import { symlinkDiagnostics } from "./symlinks.js";

export interface RemovedResult {
  readonly plans: readonly ProjectPlan[];
  readonly diagnostics: readonly Diagnostic[];
}

/**
 * Plans the deletion of every `<outDir>/<dir>/` with a mesh manifest and no project named `<dir>`.
 * `listed` is `host.listFiles(outDir)`, when the caller already has it.
 */
export function planRemovedProjects(host: Host, outDir: string, projectNames: ReadonlySet<string>, listed: readonly string[] = host.listFiles(outDir)): RemovedResult {
  const manifestPath = new RegExp(`^${escapeRegExp(outDir)}/([^/]+)/${escapeRegExp(MANIFEST_FILE)}$`);
  const plans: ProjectPlan[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const file of listed) {
    const name = manifestPath.exec(file)?.[1];
    if (name === undefined || projectNames.has(name)) continue;
    const dir = `${outDir}/${name}`;
    const bytes = host.readFile(file);
    if (!bytes) continue;
    const parsed = parseManifest(bytes, file);
    diagnostics.push(...parsed.diagnostics, ...symlinkDiagnostics(host, outDir, dir, [...parsed.paths, MANIFEST_FILE]));
    if (parsed.diagnostics.length > 0) continue;
    const files: PlannedFile[] = [];
    for (const p of [...parsed.paths, MANIFEST_FILE]) {
      const previous = readPrevious(host, `${dir}/${p}`);
      if (previous) files.push({ path: p, target: `${dir}/${p}`, action: "delete", previous, reason: "project removed" });
    }
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    plans.push({ name, dir, files, removed: true });
  }
  return { plans, diagnostics };
}

const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
