/**
 * Path confinement shared by everything that reads local files on a user's behalf (model
 * sources in runtimes/models, ingest sources in runtimes/ingest, the compiler's validate and
 * build checks): plain relative POSIX names, "is this inside that folder", the kernel and
 * device trees that are never read, and where a path really is after symbolic links.
 */
import * as fs from "node:fs";
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

/** Kernel and device trees: never read, even when a workspace symlink or an allow-list points there. */
export const SYSTEM_TREES: readonly string[] = ["/proc", "/sys", "/dev"];

/** The system tree `abs` lies in, or undefined. */
export function systemTree(abs: string): string | undefined {
  return SYSTEM_TREES.find((tree) => isInside(tree, abs));
}

/** A folder reads may not leave: its path as given, and how messages name it. */
export interface Boundary {
  readonly path: string;
  readonly label: string;
}

export type Confined =
  | { readonly ok: true; readonly real: string; readonly boundary: Boundary }
  | { readonly ok: false; readonly reason: "system" | "outside" | "not-found" | "io"; readonly message: string };

/**
 * Where `abs` really is, and which boundary holds it: refused when `abs` (as written, or after
 * following symbolic links) lies in /proc, /sys or /dev, or outside every boundary. Boundaries
 * are compared both as written and by their real paths, so a workspace reached through a
 * symlink still holds its own files. `shown` names `abs` in messages (e.g. the URI).
 */
export function confine(abs: string, boundaries: readonly Boundary[], shown: string): Confined {
  const tree = systemTree(abs);
  if (tree) return { ok: false, reason: "system", message: `${shown} names ${abs}, inside ${tree}, which mesh never reads` };
  if (!boundaries.some((b) => isInside(b.path, abs))) return { ok: false, reason: "outside", message: `${shown} names ${abs}, outside ${describe(boundaries)}` };
  let real: string;
  try {
    real = fs.realpathSync.native(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return { ok: false, reason: "not-found", message: `${shown} not found (looked at ${abs})` };
    return { ok: false, reason: "io", message: `cannot resolve ${shown} (${code ?? (err as Error).message})` };
  }
  const realTree = systemTree(real);
  if (realTree) return { ok: false, reason: "system", message: `${shown} resolves to ${real}, inside ${realTree}, which mesh never reads` };
  for (const b of boundaries) {
    const realBoundary = realpathOr(b.path);
    if (realBoundary !== undefined && isInside(realBoundary, real)) return { ok: true, real, boundary: b };
  }
  return { ok: false, reason: "outside", message: `${shown} resolves to ${real} (through a symbolic link), outside ${describe(boundaries)}; files and links must stay inside` };
}

function realpathOr(p: string): string | undefined {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return undefined;
  }
}

const describe = (boundaries: readonly Boundary[]) => boundaries.map((b) => b.label).join(" or ") || "every allowed folder";
