/**
 * Path safety for everything plan and emit touch. A generated path (from a generator) or a
 * recorded path (from an old manifest, which anyone can edit) must name a file strictly inside
 * `out/<name>/`; anything else is refused before a single byte is written or deleted.
 *
 * The rules are lexical and deliberately stricter than "normalizes to inside": a path must
 * already be in canonical form (no `.` or empty segments), so the path printed in a plan is
 * exactly the path written.
 */
import * as path from "node:path";

/** Why `relPath` is not a safe, canonical, relative POSIX file path; undefined when it is. */
export function unsafePathReason(relPath: unknown): string | undefined {
  if (typeof relPath !== "string") return "is not a string";
  if (relPath === "") return "is empty";
  if (relPath.includes("\0")) return "contains a NUL byte";
  // Control characters (newline included) would break the one-path-per-line plan output.
  if (/[\x00-\x1f\x7f]/.test(relPath)) return "contains a control character";
  if (relPath.includes("\\")) return "contains a backslash";
  if (relPath.startsWith("/") || /^[A-Za-z]:/.test(relPath)) return "is absolute";
  const segments = relPath.split("/");
  if (segments.includes("..")) return "contains a '..' segment";
  if (segments.includes(".")) return "contains a '.' segment";
  if (segments.includes("")) return relPath.endsWith("/") ? "ends with '/'" : "contains an empty segment ('//')";
  return undefined;
}

/** True when POSIX path `target` equals `base` or lies below it (both normalized, same anchor). */
export function isInside(base: string, target: string, pathApi: typeof path.posix = path.posix): boolean {
  const rel = pathApi.relative(base, target);
  return rel === "" || (!escapes(rel) && !pathApi.isAbsolute(rel));
}

/** True when `target` lies strictly below `base` (not equal to it). */
export function isStrictlyInside(base: string, target: string, pathApi: typeof path.posix = path.posix): boolean {
  const rel = pathApi.relative(base, target);
  return rel !== "" && !escapes(rel) && !pathApi.isAbsolute(rel);
}

// `..foo` is a legal folder name; only a whole `..` segment climbs out.
const escapes = (rel: string) => rel === ".." || rel.startsWith("../") || rel.startsWith("..\\");
