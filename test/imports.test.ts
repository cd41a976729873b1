/**
 * The import rules ARCHITECTURE.md states, checked on the source: no generator folder imports
 * another (shared conventions live in generators/support/, derived facts in compiler/lower),
 * and no import cycle anywhere in the TypeScript of the repository.
 */
import { describe, expect, test } from "vitest";
import { generatorFolder, importCycles, importGraph } from "./support/import-graph.js";

const graph = importGraph(["schemas", "compiler", "generators", "runtimes", "test", "bench", "scripts"]);

describe("the import graph reader", () => {
  test("sees the repository (a broken walk would make every rule below pass vacuously)", () => {
    expect(graph.edges.size).toBeGreaterThan(400);
    expect(graph.edges.get("generators/index.ts")).toContain("generators/dockerfile/index.ts");
    // dynamic import() and `export … from` count too
    expect(graph.edges.get("compiler/cli/commands/generate.ts")).toContain("compiler/generate/generate-workspace.ts");
  });

  test("finds a cycle and a sibling import when there is one", () => {
    const edges = new Map<string, readonly string[]>([
      ["generators/a/x.ts", ["generators/b/y.ts"]],
      ["generators/b/y.ts", ["generators/a/x.ts", "generators/support/z.ts"]],
      ["generators/support/z.ts", []],
    ]);
    expect(importCycles({ edges })).toEqual([["generators/a/x.ts", "generators/b/y.ts"]]);
    expect(siblingImports({ edges })).toEqual(["generators/a/x.ts → generators/b/y.ts", "generators/b/y.ts → generators/a/x.ts"]);
  });
});

function siblingImports(g: { edges: ReadonlyMap<string, readonly string[]> }): string[] {
  const out: string[] = [];
  for (const [from, targets] of g.edges) {
    const folder = generatorFolder(from);
    if (!folder || folder === "support") continue;
    for (const to of targets) {
      const other = generatorFolder(to);
      if (other && other !== folder && other !== "support") out.push(`${from} → ${to}`);
    }
  }
  return out.sort();
}

test("no generator folder imports a sibling (only generators/support/ is shared)", () => {
  expect(siblingImports(graph)).toEqual([]);
});

test("generators/support imports no generator folder", () => {
  const bad = [...graph.edges].flatMap(([from, targets]) =>
    generatorFolder(from) === "support"
      ? targets
          .filter((t) => {
            const f = generatorFolder(t);
            return f !== undefined && f !== "support";
          })
          .map((t) => `${from} → ${t}`)
      : [],
  );
  expect(bad).toEqual([]);
});

test("runtimes import neither the compiler nor the generators", () => {
  const bad = [...graph.edges].flatMap(([from, targets]) =>
    from.startsWith("runtimes/") ? targets.filter((t) => t.startsWith("compiler/") || t.startsWith("generators/")).map((t) => `${from} → ${t}`) : [],
  );
  expect(bad).toEqual([]);
});

test("no import cycle in the repository's TypeScript", () => {
  expect(importCycles(graph)).toEqual([]);
});
