/**
 * `npm:PACKAGE/PATH`: found the way Node finds packages (node_modules in the project folder,
 * then each parent), but only up to the workspace root: a package installed above the
 * workspace is not the workspace's. The package may be a symlink (npm/pnpm workspaces); what
 * is read must stay inside the package's real folder.
 */
import { existsSync } from "node:fs";
import { realpath } from "node:fs/promises";
import * as path from "node:path";
import { ModelSourceError } from "./errors.js";
import { readLocalModel, type LocalModel } from "./local.js";
import { isInside } from "./paths.js";
import type { NpmModelUri } from "./uri.js";

/** The installed package folder for `pkg`, searched from `baseDir` up to `root`. */
function findPackage(pkg: string, root: string, baseDir: string): string | undefined {
  const workspace = path.resolve(root);
  let dir = isInside(workspace, path.resolve(baseDir)) ? path.resolve(baseDir) : workspace;
  for (;;) {
    const candidate = path.join(dir, "node_modules", ...pkg.split("/"));
    if (existsSync(path.join(candidate, "package.json"))) return candidate;
    if (dir === workspace) return undefined;
    dir = path.dirname(dir);
  }
}

export async function resolveNpmUri(u: NpmModelUri, root: string, baseDir: string): Promise<LocalModel> {
  const pkgDir = findPackage(u.package, root, baseDir);
  if (!pkgDir) throw new ModelSourceError("not-found", `${u.uri}: package ${u.package} is not installed in the workspace (npm install ${u.package})`);
  const real = await realpath(pkgDir);
  return readLocalModel({ uri: u.uri, abs: path.join(pkgDir, ...u.path.split("/")), boundary: real, boundaryLabel: `package ${u.package} (${real})` });
}
