/**
 * The production dependency closure of a set of packages, resolved the way Node resolves
 * them in npm's layout (nested `node_modules` first, then up to the workspace's). This is
 * `npm ci --omit=dev` restricted to what an image's code imports, done from the workspace's
 * installed tree so no build ever runs a package manager or touches the network.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";

export interface PackageDir {
  readonly name: string;
  /** Absolute path of the package folder. */
  readonly dir: string;
  /** Path below the workspace's `node_modules`, POSIX, e.g. `pino` or `a/node_modules/b`. */
  readonly rel: string;
}

interface Manifest {
  readonly dependencies?: Record<string, string>;
  readonly optionalDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

function findPackage(name: string, fromDir: string, nodeModules: string): string | undefined {
  let dir = fromDir;
  for (;;) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return candidate;
    if (dir === dirname(nodeModules) || dirname(dir) === dir) return undefined;
    dir = dirname(dir);
  }
}

/** Thrown when a package an image needs is not installed in the workspace. */
export class MissingPackageError extends Error {}

/**
 * Every package folder `names` need, sorted by `rel`. Optional dependencies and optional
 * peers that are not installed are skipped (npm does the same); a missing required one throws.
 */
export function packageClosure(nodeModules: string, names: readonly string[], namesRequired = true): PackageDir[] {
  const root = dirname(nodeModules);
  const found = new Map<string, PackageDir>();
  const queue: { name: string; from: string; required: boolean; by: string }[] = names.map((name) => ({ name, from: root, required: namesRequired, by: "the image's code" }));
  while (queue.length > 0) {
    const { name, from, required, by } = queue.pop()!;
    const dir = findPackage(name, from, nodeModules);
    if (dir === undefined) {
      if (required) throw new MissingPackageError(`package ${name} (needed by ${by}) is not installed: run \`npm ci\` in the workspace first`);
      continue;
    }
    const rel = relative(nodeModules, dir).split(sep).join("/");
    if (found.has(rel)) continue;
    found.set(rel, { name, dir, rel });
    const m = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
    for (const dep of Object.keys(m.dependencies ?? {})) queue.push({ name: dep, from: dir, required: true, by: name });
    for (const dep of Object.keys(m.optionalDependencies ?? {})) queue.push({ name: dep, from: dir, required: false, by: name });
    // Peers: shipped when installed (npm installs them), never a reason to fail here.
    for (const dep of Object.keys(m.peerDependencies ?? {})) queue.push({ name: dep, from: dir, required: false, by: name });
  }
  return [...found.values()].sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}
