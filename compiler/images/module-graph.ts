/**
 * Which files and packages an image's entry points need: follows the static and literal
 * dynamic imports of compiled ESM from the entry files, through relative imports and the
 * `mesh/...` self-references (mapped to `dist/` as package.json `exports` does), and collects
 * the bare package names it meets. That is the Jib/ko idea for Node: the image gets exactly
 * the code its entry reaches, never the whole workspace.
 */
import { readFileSync, existsSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, resolve } from "node:path";

const BUILTINS = new Set(builtinModules);
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+|\brequire\s*\(\s*)["']([^"'\n]+)["']/g;

/** Module specifiers imported by a JavaScript source (static, dynamic with a literal, require). */
export function importSpecifiers(source: string): string[] {
  const out = new Set<string>();
  for (const m of source.matchAll(IMPORT)) if (m[1]) out.add(m[1]);
  return [...out];
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`; builtins and relative → undefined. */
export function packageName(specifier: string): string | undefined {
  if (specifier.startsWith(".") || specifier.startsWith("/") || specifier.startsWith("node:")) return undefined;
  const parts = specifier.split("/");
  const name = specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
  if (!name || BUILTINS.has(name)) return undefined;
  return name;
}

export interface ModuleGraph {
  /** Absolute paths of every local module reached, sorted. */
  readonly files: string[];
  /** Third-party package names imported anywhere in those files, sorted. */
  readonly packages: string[];
}

/**
 * Walks from `entries`. `selfName` is the workspace's own package name, whose `<self>/X.js`
 * specifiers resolve to `<root>/dist/X.js`.
 */
export function moduleGraph(root: string, entries: readonly string[], selfName = "mesh"): ModuleGraph {
  const files = new Set<string>();
  const packages = new Set<string>();
  const queue = entries.map((e) => resolve(e));
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (files.has(file)) continue;
    // The scan is textual, so a specifier inside a string (generated-code templates) may name
    // nothing; real misses surface in the image's check stage, which loads the entry points.
    if (!existsSync(file)) continue;
    files.add(file);
    for (const spec of importSpecifiers(readFileSync(file, "utf8"))) {
      if (spec.startsWith("./") || spec.startsWith("../")) {
        queue.push(resolve(dirname(file), spec));
        continue;
      }
      const pkg = packageName(spec);
      if (pkg === undefined) continue;
      if (pkg === selfName) {
        const sub = spec.slice(selfName.length + 1);
        if (sub === "package.json") continue;
        queue.push(join(root, "dist", sub));
        continue;
      }
      packages.add(pkg);
    }
  }
  return { files: [...files].sort(), packages: [...packages].sort() };
}
