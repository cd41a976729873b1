/**
 * Path rules shared by every scheme. Remote names (S3 keys, Hub file names, lock entries)
 * become local paths inside the cache, so each one must be a plain relative POSIX path; local
 * sources must stay inside their boundary (the workspace, or an npm package) after symlinks.
 * The confinement rules themselves live in runtimes/support/paths.ts (ingest shares them).
 */
export { isInside, relPathProblem, systemTree, SYSTEM_TREES } from "../support/paths.js";

/** Hidden entries (`.git`, `.gitattributes`, `.DS_Store`, the cache's own marker) are never part of a model folder. */
export const isHidden = (rel: string): boolean => rel.split("/").some((seg) => seg.startsWith("."));

/** Byte counts for messages: 1536 → "1.5 KB" (powers of 1000, as the Hub shows them). */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ["KB", "MB", "GB", "TB"];
  let v = n;
  let i = -1;
  do {
    v /= 1000;
    i++;
  } while (v >= 1000 && i < units.length - 1);
  return `${v.toFixed(1)} ${units[i]}`;
}
