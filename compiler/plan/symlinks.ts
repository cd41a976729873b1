/**
 * Symbolic-link refusal. Lexically safe paths can still lead outside `out/<name>/` when a folder
 * on the way is a link (`out/spam/serve -> /etc`). Every existing folder from the output root
 * down to each file's parent must be a real folder at its expected place below the workspace.
 */
import * as path from "node:path";
import type { Host } from "../host.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { planDiagnostic } from "./codes.js";

/** Diagnostics for every linked folder between `outDir` and the parents of `relPaths` (relative to `dir`). */
export function symlinkDiagnostics(host: Host, outDir: string, dir: string, relPaths: readonly string[]): Diagnostic[] {
  if (!host.realPath) return [];
  const rootReal = realRoot(host);
  if (rootReal === undefined) return [];
  const folders = new Set<string>();
  const addWithParents = (d: string) => {
    for (let f = d; f !== "." && f !== ""; f = path.posix.dirname(f)) folders.add(f);
  };
  addWithParents(dir);
  addWithParents(outDir);
  for (const p of relPaths) addWithParents(path.posix.dirname(`${dir}/${p}`));
  const out: Diagnostic[] = [];
  const linked: string[] = [];
  for (const folder of [...folders].sort()) {
    // Below a linked folder everything resolves elsewhere too; report only the link itself.
    if (linked.some((l) => folder.startsWith(`${l}/`))) continue;
    // Parents come first (sorted) and were real, so a folder that lstat shows is no link
    // resolves to its own place: one lstat instead of a realpath (a readlink per component,
    // and a thrown error for each folder a cold run has not made yet).
    if (host.fileStat) {
      const stat = host.fileStat(folder);
      if (stat === undefined || !stat.isLink) continue;
    }
    const real = host.realPath(folder);
    if (real !== undefined && real !== path.join(rootReal, folder)) {
      linked.push(folder);
      out.push(planDiagnostic("symlinked-folder", folder, { target: real }, `replace ${folder} with a real folder`));
    }
  }
  return out;
}

/** True when `target` exists and is (or lies below) a symbolic link. */
export function isLink(host: Host, target: string): boolean {
  if (!host.realPath) return false;
  const real = host.realPath(target);
  const rootReal = realRoot(host);
  return real !== undefined && rootReal !== undefined && real !== path.join(rootReal, target);
}

const rootReals = new WeakMap<Host, string | undefined>();
/** The root's real path, asked once per host (plans ask for every file). */
export function realRoot(host: Host): string | undefined {
  if (!rootReals.has(host)) rootReals.set(host, host.realPath?.(""));
  return rootReals.get(host);
}
