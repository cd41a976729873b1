/**
 * `serve/main.ts`: the entry point (`node out/<name>/serve/main.js`). It hands the
 * definition to the library's `runMain` with the spec's serve settings as defaults; each
 * is overridden by its declared `MESH_*` environment variable at start-up.
 */
import { VariableDeclarationKind, type SourceFile } from "ts-morph";
import type { ProjectIR } from "../../compiler/ir.js";

/** The spec's values for `ServeDefaults` (runtimes/serve/definition.ts): the lowered MESH_* settings by config key, keys sorted. */
export function serveDefaults(ir: ProjectIR): Record<string, unknown> {
  return Object.fromEntries(ir.serve.env.map((v) => [v.key, v.value] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function writeMainModule(ir: ProjectIR, file: SourceFile): void {
  file.addImportDeclaration({ isTypeOnly: true, moduleSpecifier: "mesh/runtimes/serve/definition.js", namedImports: ["ServeDefaults"] });
  file.addImportDeclaration({ moduleSpecifier: "mesh/runtimes/serve/index.js", namedImports: ["runMain"] });
  file.addImportDeclaration({ moduleSpecifier: "./definition.js", namedImports: ["definition"] });
  const d = serveDefaults(ir);
  file.addVariableStatement({
    declarationKind: VariableDeclarationKind.Const,
    docs: ["The spec's serve settings; each yields to its MESH_* environment variable."],
    declarations: [
      {
        name: "defaults",
        type: "ServeDefaults",
        initializer: `{\n${Object.entries(d)
          .map(([k, v]) => `  ${k}: ${JSON.stringify(v)},`)
          .join("\n")}\n}`,
      },
    ],
  });
  file.addStatements(["await runMain(definition, defaults);"]);
}
