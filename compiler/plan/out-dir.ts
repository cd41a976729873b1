/**
 * The output root (`--out`, else mesh.yaml's `out`, else `out`) must be a folder strictly
 * inside the workspace: generated files, and the orphans mesh deletes, must never land anywhere
 * else. Checked both lexically and through symbolic links (the nearest existing ancestor's
 * real path must lie inside the workspace's real path).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { toWorkspacePath } from "../cli/workspace.js";

export type OutDirResult = { readonly outDir: string } | { readonly error: string };

/**
 * Resolves `typed` (relative to `base`: the cwd for `--out`, the root for mesh.yaml) to a
 * workspace-relative POSIX path. `label` names where the value came from, for the error.
 */
export function resolveOutDir(root: string, base: string, typed: string, label = "--out"): OutDirResult {
  const abs = path.resolve(base, typed);
  const rel = toWorkspacePath(root, root, abs);
  if (rel === undefined) {
    return { error: `${label} ${typed} resolves to ${abs}, which is not a folder inside the workspace ${root}` };
  }
  if (rel === ".git" || rel.startsWith(".git/")) return { error: `${label} ${typed} points into .git` };
  // Follow links: the nearest existing ancestor must really lie inside the real workspace.
  let existing = abs;
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  const realRoot = fs.realpathSync(root);
  const realExisting = fs.realpathSync(existing);
  const relReal = path.relative(realRoot, realExisting);
  const outside = relReal === ".." || relReal.startsWith(`..${path.sep}`) || path.isAbsolute(relReal);
  if (outside || (relReal === "" && existing === abs)) {
    return { error: `${label} ${typed} leads to ${realExisting} through a symbolic link, outside the workspace ${realRoot}` };
  }
  return { outDir: rel };
}
