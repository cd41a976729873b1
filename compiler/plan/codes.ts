/**
 * Diagnostic codes of the back half (plan + emit), MESH3xx. Each code has one meaning; the
 * message carries the specifics. Kept here until the frontend's diagnostics registry takes them.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.js";

export const PLAN_CODES = {
  /** A generator returned a path that is absolute, climbs out, or is not canonical. */
  unsafeGeneratedPath: "MESH301",
  /** Two generated paths collide (a file and a folder of the same name, or the manifest's name). */
  pathConflict: "MESH302",
  /** The previous manifest is not valid JSON or not a mesh manifest. */
  badManifest: "MESH303",
  /** The previous manifest lists a path that is absolute, climbs out, or is not canonical. */
  unsafeManifestPath: "MESH304",
  /** A folder on the way to an output file is a symbolic link (it could lead outside out/). */
  symlinkedFolder: "MESH305",
  /** A generator threw: a bug in mesh, reported instead of crashing. */
  generatorFailed: "MESH306",
  /** Writing or deleting failed; every change of this run was rolled back. */
  writeFailed: "MESH307",
} as const;

/** An error diagnostic without a position (plan and emit problems point at files, not lines). */
export function planError(code: string, file: string, message: string, hint?: string, docPath = ""): Diagnostic {
  return { file, line: 0, column: 0, severity: "error", code, path: docPath, message, ...(hint ? { hint } : {}) };
}
