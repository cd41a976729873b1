/**
 * Path rules shared by every scheme. Remote names (S3 keys, Hub file names, lock entries)
 * become local paths inside the cache, so each one must be a plain relative POSIX path; local
 * sources must stay inside their boundary (the workspace, or an npm package) after symlinks.
 */
import * as path from "node:path";

/** Why `rel` is not a safe relative POSIX path (no absolute, `..`, `.`, empty segment, backslash, NUL), or undefined. */
export function relPathProblem(rel: string): string | undefined {
  if (rel === "") return "is empty";
  if (rel.includes("\0")) return "contains a NUL byte";
  if (rel.includes("\\")) return "contains a backslash (use /)";
  if (rel.startsWith("/")) return "is absolute";
  for (const seg of rel.split("/")) {
    if (seg === "") return "has an empty segment (//, or a leading or trailing /)";
    if (seg === "." || seg === "..") return `has a "${seg}" segment`;
  }
  return undefined;
}

/** True when `child` is `parent` or below it (both absolute and normalized). */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === "" || (!rel.startsWith(`..${path.sep}`) && rel !== ".." && !path.isAbsolute(rel));
}

/** Kernel and device trees: never read, even when a workspace symlink points there. */
const SYSTEM_TREES = ["/proc", "/sys", "/dev"];

/** The system tree `abs` lies in, or undefined. */
export function systemTree(abs: string): string | undefined {
  return SYSTEM_TREES.find((tree) => isInside(tree, abs));
}

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
