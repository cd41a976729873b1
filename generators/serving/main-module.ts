/**
 * `serve/main.ts`: the entry point (`node out/<name>/serve/main.js`). It hands the
 * definition to the library's `runMain` with the spec's serve settings as defaults; each
 * is overridden by its declared `MESH_*` environment variable at start-up.
 */
import type { ProjectIR } from "../../compiler/ir.js";
import { doc, importText, moduleText, ty } from "../support/typed-code.js";

/** The spec's values for `ServeDefaults` (runtimes/serve/definition.ts): the lowered MESH_* settings by config key, keys sorted. */
export function serveDefaults(ir: ProjectIR): Record<string, unknown> {
  return Object.fromEntries(ir.serve.env.map((v) => [v.key, v.value] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function mainModule(ir: ProjectIR): string {
  const d = serveDefaults(ir);
  return moduleText([
    [importText(["ServeDefaults"], "mesh/runtimes/serve/definition.js", true), importText(["runMain"], "mesh/runtimes/serve/index.js"), importText(["definition"], "./definition.js")].join("\n"),
    [
      doc("The spec's serve settings; each yields to its MESH_* environment variable."),
      `const defaults${ty(": ServeDefaults")} = {`,
      ...Object.entries(d).map(([k, v]) => `  ${k}: ${JSON.stringify(v)},`),
      "};",
      "await runMain(definition, defaults);",
    ].join("\n"),
  ]);
}
