/**
 * The output root (`--out`, default `out`) must be a folder strictly inside the workspace:
 * generated files, and the orphans mesh deletes, must never land anywhere else. Checked both
 * lexically and through symbolic links (the nearest existing ancestor's real path).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { toWorkspacePath } from "../cli/workspace.js";

export type OutDirResult = { readonly outDir: string } | { readonly error: string };

/** Resolves the `--out` value typed in `cwd` (or the default `out` at the root) to a workspace-relative path. */
export function resolveOutDir(root: string, cwd: string, typed: string | undefined): OutDirResult {
  const abs = typed === undefined ? path.join(root, "out") : path.resolve(cwd, typed);
  const shown = typed ?? "out";
  const rel = toWorkspacePath(root, root, abs);
  if (rel === undefined) {
    return { error: `--out ${shown} resolves to ${abs}, which is not a folder inside the workspace ${root}` };
  }
  if (rel === ".git" || rel.startsWith(".git/")) return { error: `--out ${shown} points into .git` };
  // Follow links: the nearest existing ancestor must really lie inside the real workspace.
  let existing = abs;
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  const realRoot = fs.realpathSync(root);
  const realExisting = fs.realpathSync(existing);
  const relReal = path.relative(realRoot, realExisting);
  if (relReal === ".." || relReal.startsWith(`..${path.sep}`) || path.isAbsolute(relReal) || (relReal === "" && existing === abs)) {
    return { error: `--out ${shown} leads to ${realExisting} through a symbolic link, outside the workspace ${realRoot}` };
  }
  return { outDir: rel };
}
