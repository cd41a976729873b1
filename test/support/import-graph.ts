/**
 * The repository's TypeScript import graph, read from the source text: every relative
 * `import … from "./x.js"`, `export … from`, `import("./x.js")` and `import type` specifier,
 * resolved to the `.ts` file it names. Type-only imports count: a cycle through types still
 * ties two modules' contracts together.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";

export const REPO = resolve(import.meta.dirname, "../..");
const SOURCE_ROOTS = ["schemas", "compiler", "generators", "runtimes", "test", "bench", "scripts"];
const SKIP_DIRS = new Set(["node_modules", "templates", "python", "dist", "out"]);

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(["'])(\.{1,2}\/[^"']+)\1/g;

function walk(dir: string, files: string[]): void {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      if (!SKIP_DIRS.has(name)) walk(full, files);
    } else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) files.push(full);
  }
}

/** Comments may quote import lines (e.g. in doc comments); only code counts. */
const stripComments = (text: string) => text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`])\/\/.*$/gm, "$1");

export interface ImportGraph {
  /** repo-relative posix path → repo-relative posix paths it imports */
  readonly edges: ReadonlyMap<string, readonly string[]>;
}

export function importGraph(roots: readonly string[] = SOURCE_ROOTS): ImportGraph {
  const files: string[] = [];
  for (const root of roots) walk(join(REPO, root), files);
  const known = new Set(files);
  const edges = new Map<string, string[]>();
  const rel = (abs: string) => relative(REPO, abs).split(sep).join("/");
  for (const file of files) {
    const targets = new Set<string>();
    for (const m of stripComments(readFileSync(file, "utf8")).matchAll(SPECIFIER)) {
      const target = resolve(dirname(file), m[2]!.replace(/\.js$/, ".ts"));
      if (known.has(target)) targets.add(rel(target));
    }
    edges.set(rel(file), [...targets].sort());
  }
  return { edges };
}

/** Every elementary cycle's nodes, found by Tarjan's strongly connected components (size > 1 or a self-import). */
export function importCycles(graph: ImportGraph): string[][] {
  let index = 0;
  const indexOf = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string): void => {
    indexOf.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.edges.get(v) ?? []) {
      if (!indexOf.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, indexOf.get(w)!));
    }
    if (low.get(v) === indexOf.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.edges.get(v) ?? []).includes(v)) components.push(component.sort());
    }
  };
  for (const v of [...graph.edges.keys()].sort()) if (!indexOf.has(v)) visit(v);
  return components;
}

/** `generators/<folder>/…` → folder; files directly under generators/ (the registry) → undefined. */
export function generatorFolder(path: string): string | undefined {
  const m = /^generators\/([^/]+)\//.exec(path);
  return m?.[1];
}
