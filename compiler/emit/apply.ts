/**
 * emit: the only writer of generated output. Applies plans through the Host — deletions of
 * orphans first (so a file may replace a folder it used to be), then new and changed files
 * through `writeFileAtomic` (temp file + rename, so no reader ever sees half a file), the
 * manifest of each project last (a run cut short leaves the old manifest, which still lists
 * everything the next run must consider). Unchanged files are not touched at all.
 *
 * If any write or delete fails, every change made so far in this run is undone from the
 * bytes plan read before — across all projects — so a run either happens or it does not.
 */
import * as path from "node:path";
import type { Host } from "../host.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { PlannedFile, Previous, ProjectPlan } from "../plan/plan.js";
import { MANIFEST_FILE } from "../plan/manifest.js";
import { planDiagnostic } from "../plan/codes.js";

export interface ApplyResult {
  /** Workspace-relative paths written (created or updated), in order. */
  readonly written: readonly string[];
  /** Workspace-relative paths deleted, in order. */
  readonly deleted: readonly string[];
  /** Empty on success; on failure one MESH307 diagnostic (and nothing changed on disk). */
  readonly diagnostics: readonly Diagnostic[];
  /**
   * Workspace-relative path → stat signature of each file written, taken right after its write
   * (when the host tells signatures): the generate cache records them.
   */
  readonly signatures: ReadonlyMap<string, string>;
}

interface Undo {
  readonly target: string;
  readonly dir: string;
  /** Absent: the file did not exist before, so undo deletes it. */
  readonly previous?: Previous;
}

/** Applies every plan, or (on failure) none of them. */
export function applyPlans(host: Host, plans: readonly ProjectPlan[]): ApplyResult {
  const written: string[] = [];
  const deleted: string[] = [];
  const journal: Undo[] = [];
  const signatures = new Map<string, string>();
  let current = "";
  try {
    for (const plan of plans) {
      for (const f of plan.files.filter((x) => x.action === "delete")) {
        current = f.target;
        host.deleteFile(f.target);
        journal.push({ target: f.target, dir: plan.dir, previous: f.previous });
        host.pruneEmptyDirs(path.posix.dirname(f.target), plan.removed ? path.posix.dirname(plan.dir) : plan.dir);
        deleted.push(f.target);
      }
      const writes = plan.files.filter((x) => x.action === "create" || x.action === "update");
      for (const f of [...writes.filter((x) => x.path !== MANIFEST_FILE), ...writes.filter((x) => x.path === MANIFEST_FILE)]) {
        current = f.target;
        // Journal only what happened: a failed atomic write or delete changed nothing.
        write(host, f);
        journal.push({ target: f.target, dir: plan.dir, previous: f.previous });
        written.push(f.target);
        const stat = host.fileStat?.(f.target);
        if (stat?.isFile) signatures.set(f.target, stat.signature);
      }
    }
  } catch (err) {
    const failures = rollback(host, journal);
    const undone = failures.length === 0 ? "every change of this run was undone" : `undoing failed for ${failures.join("; ")}`;
    const message = err instanceof Error ? err.message : String(err);
    return { written: [], deleted: [], diagnostics: [planDiagnostic("write-failed", current, { message, undone })], signatures: new Map() };
  }
  return { written, deleted, diagnostics: [], signatures };
}

function write(host: Host, f: PlannedFile): void {
  if (!f.bytes || f.mode === undefined) throw new Error(`internal: no contents planned for ${f.target}`);
  host.writeFileAtomic(f.target, f.bytes, f.mode);
}

/** Undoes the journal newest first; returns what could not be undone. */
function rollback(host: Host, journal: readonly Undo[]): string[] {
  const failures: string[] = [];
  for (const u of [...journal].reverse()) {
    try {
      if (u.previous) {
        host.writeFileAtomic(u.target, u.previous.bytes, u.previous.mode);
      } else {
        host.deleteFile(u.target);
        host.pruneEmptyDirs(path.posix.dirname(u.target), u.dir);
      }
    } catch (err) {
      failures.push(`${u.target} (${err instanceof Error ? err.message : String(err)})`);
    }
  }
  return failures;
}
