/**
 * plan: what generating a project would change under `out/<name>/`, decided before anything is
 * written. Each generated file is compared byte for byte (and by mode) with the disk — never
 * with the manifest's hashes, so a hand edit shows up as drift — and files recorded in the
 * previous manifest but no longer generated become deletions. Every path, generated or recorded,
 * is checked to stay inside `out/<name>/`; any problem is a diagnostic and no plan.
 */
import * as path from "node:path";
import type { Host } from "../host.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { GeneratedFile, ProjectIR } from "../ir.js";
import { planDiagnostic } from "./codes.js";
import { MANIFEST_FILE, buildManifest, parseManifest, renderManifest } from "./manifest.js";
import { unsafePathReason } from "./safe-path.js";
import { isLink, symlinkDiagnostics } from "./symlinks.js";

export type Action = "create" | "update" | "delete" | "unchanged";

/** The bytes and mode a file had before this run, kept so emit can roll a failed run back. */
export interface Previous {
  readonly bytes: Uint8Array;
  readonly mode: number;
  /**
   * The file's stat signature taken before its bytes were read (when the host tells one and
   * the file is a regular file): what the generate cache records for an unchanged file.
   */
  readonly signature?: string;
}

export interface PlannedFile {
  /** Relative to the project's output folder, e.g. `serve/Dockerfile`. */
  readonly path: string;
  /** Workspace-relative, e.g. `out/spam/serve/Dockerfile`. */
  readonly target: string;
  readonly action: Action;
  /** New bytes and mode (absent for deletions). */
  readonly bytes?: Uint8Array;
  readonly mode?: number;
  /** What is on disk now (absent for creations). */
  readonly previous?: Previous;
  /** Why an update or delete happens, for the plan printout. */
  readonly reason?: "contents" | "mode" | "link" | "orphan" | "stale temp file" | "project removed";
}

export interface ProjectPlan {
  readonly name: string;
  /** Workspace-relative output folder, e.g. `out/spam`. */
  readonly dir: string;
  /** Sorted by path; includes the manifest. */
  readonly files: readonly PlannedFile[];
  /** The project no longer exists: everything is deleted, and the emptied folder itself too. */
  readonly removed?: boolean;
}

export interface PlanResult {
  readonly plan?: ProjectPlan;
  readonly diagnostics: readonly Diagnostic[];
}

/** Temp files the writer makes (`<file>.mesh-tmp-<pid>-<random>`); one left by a killed run is removed. */
export const STALE_TEMP = /\.mesh-tmp-\d+-[a-z0-9]+$/;

/**
 * Whose output a plan is: a project, or a workspace-level output (`out/ci/`) that names its
 * folder and sources the same way.
 */
export type PlanOwner = Pick<ProjectIR, "name" | "specPath" | "meshVersion" | "specHash">;

/** Plans one project. `outDir` is the workspace-relative output root (e.g. `out`), already checked. */
export function planProject(host: Host, ir: PlanOwner, files: readonly GeneratedFile[], outDir: string): PlanResult {
  const dir = path.posix.join(outDir, ir.name);
  const manifestTarget = `${dir}/${MANIFEST_FILE}`;
  const diagnostics: Diagnostic[] = [...generatedPathDiagnostics(ir, files, dir)];

  const oldManifest = host.readFile(manifestTarget);
  const recorded = oldManifest ? parseManifest(oldManifest, manifestTarget) : { paths: [], entries: {}, diagnostics: [] };
  diagnostics.push(...recorded.diagnostics);
  if (diagnostics.length > 0) return { diagnostics };

  const generated = new Set(files.map((f) => f.path));
  const orphans = recorded.paths.filter((p) => !generated.has(p));
  diagnostics.push(...symlinkDiagnostics(host, outDir, dir, [...generated, ...orphans, MANIFEST_FILE]));
  if (diagnostics.length > 0) return { diagnostics };

  // A folder that does not exist holds nothing to compare with: a cold run then asks the disk
  // once per project instead of once per file (thousands of failed opens for 100 projects).
  const absent = host.realPath !== undefined && host.realPath(dir) === undefined;
  const onDisk = absent ? [] : host.listFiles(dir);
  // The folders on the way are real (checked above) and listFiles names only regular files met
  // through real folders: a listed file needs no realpath to know it is no link.
  const disk: Disk = { absent, regular: new Set(onDisk) };
  const planned: PlannedFile[] = files.map((f) => compare(host, dir, f.path, Buffer.from(f.contents, "utf8"), f.mode, disk));
  for (const p of orphans) {
    const previous = readPrevious(host, `${dir}/${p}`);
    if (previous) planned.push({ path: p, target: `${dir}/${p}`, action: "delete", previous, reason: "orphan" });
  }
  for (const target of onDisk) {
    const p = target.slice(dir.length + 1);
    if (STALE_TEMP.test(p) && !generated.has(p)) {
      planned.push({ path: p, target, action: "delete", previous: readPrevious(host, target)!, reason: "stale temp file" });
    }
  }
  const manifest = renderManifest(buildManifest(ir, files));
  planned.push(compare(host, dir, MANIFEST_FILE, Buffer.from(manifest, "utf8"), 0o644, disk));
  planned.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { plan: { name: ir.name, dir, files: planned }, diagnostics };
}

/** What one listing of the project folder already tells about its files. */
interface Disk {
  /** The folder does not exist, so no file in it does. */
  readonly absent: boolean;
  /** Regular files (not links) found by walking real folders. */
  readonly regular: ReadonlySet<string>;
}

function compare(host: Host, dir: string, relPath: string, bytes: Uint8Array, mode: number, disk: Disk): PlannedFile {
  const target = `${dir}/${relPath}`;
  const previous = disk.absent ? undefined : readPrevious(host, target, mode);
  if (!previous) return { path: relPath, target, action: "create", bytes, mode };
  const base = { path: relPath, target, bytes, mode, previous };
  if (!Buffer.from(previous.bytes).equals(bytes)) return { ...base, action: "update", reason: "contents" };
  // A file that is a symbolic link is replaced by a real one, even with equal bytes: the
  // link's target lies wherever it points, possibly outside out/.
  if (!disk.regular.has(target) && isLink(host, target)) return { ...base, action: "update", reason: "link" };
  if (previous.mode !== mode) return { ...base, action: "update", reason: "mode" };
  return { ...base, action: "unchanged" };
}

/** What is on disk at `target`; a host that cannot tell modes reports `assumedMode` (assume it is right). */
export function readPrevious(host: Host, target: string, assumedMode = 0o644): Previous | undefined {
  // Stat first, then read: a change after the stat changes the signature (as git does it), so
  // a recorded signature never vouches for bytes newer than the ones compared.
  const stat = host.fileStat?.(target);
  const bytes = host.readFile(target);
  if (!bytes) return undefined;
  if (stat?.isFile) return { bytes, mode: stat.mode, signature: stat.signature };
  return { bytes, mode: host.fileMode?.(target) ?? assumedMode };
}

/** Refuses unsafe or conflicting generated paths (a generator bug; no spec can cause one). */
function generatedPathDiagnostics(ir: PlanOwner, files: readonly GeneratedFile[], dir: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const hint = "this is a bug in a mesh generator; please report it";
  for (const f of files) {
    const reason = unsafePathReason(f.path);
    if (reason) {
      out.push(planDiagnostic("unsafe-generated-path", ir.specPath, { path: JSON.stringify(f.path), reason, dir }, hint));
    } else if (f.path === MANIFEST_FILE) {
      out.push(planDiagnostic("generated-path-conflict", ir.specPath, { message: `a generator writes ${MANIFEST_FILE}, which mesh reserves for its manifest` }, hint));
    } else if (seen.has(f.path)) {
      out.push(planDiagnostic("generated-path-conflict", ir.specPath, { message: `two generated files share the path ${f.path}` }, hint));
    }
    seen.add(f.path);
  }
  for (const p of seen) {
    const parts = p.split("/");
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join("/");
      if (seen.has(parent)) out.push(planDiagnostic("generated-path-conflict", ir.specPath, { message: `${parent} is generated as a file and as a folder (of ${p})` }, hint));
    }
  }
  return out;
}
