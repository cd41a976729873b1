/**
 * Where `mesh load` keeps its report: `.mesh/reports/<name>/load.json` under the workspace
 * (runtime state beside the registry, not generated output). Written atomically.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { canonicalJson } from "../../generators/support/canonical-json.js";
import type { LoadReport } from "./load-test.js";

/** Writes the report; returns its workspace-relative path. */
export function writeLoadReport(root: string, report: LoadReport, now: Date = new Date()): string {
  const dir = join(root, ".mesh", "reports", report.project);
  mkdirSync(dir, { recursive: true });
  const path = join(dir, "load.json");
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, canonicalJson({ ...report, finishedAt: now.toISOString() }, true));
  renameSync(tmp, path);
  return relative(root, path);
}
