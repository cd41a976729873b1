/**
 * The `serving` generator: `out/<name>/serve/` — `types.ts`, `decode.ts`, `openapi.ts`,
 * `definition.ts`, `main.ts`, each with its JavaScript twin so that `node out/<name>/serve/main.js`
 * runs without a build step, and a `tsconfig.json` that type-checks the sources against the
 * real `runtimes/serve` types.
 *
 * Each module is written once as text with its type-only parts marked
 * (generators/support/typed-code.ts); the `.ts` keeps them, the `.js` drops them.
 */
import type { GeneratedFile, ProjectIR } from "../../compiler/ir.js";
import { canonicalJson } from "../support/canonical-json.js";
import { openapiJsonCompact } from "../support/openapi-json.js";
import { decodeModule } from "./decode-module.js";
import { definitionModule } from "./definition-module.js";
import { withTsHeader } from "../support/header.js";
import { mainModule } from "./main-module.js";
import { doc, javaScript, moduleText, ty, typeScript } from "../support/typed-code.js";
import { typesModule } from "./types-module.js";

function openapiModule(ir: ProjectIR): string {
  // JSON.parse of a string literal: safe for any key (even "__proto__") and fast to load.
  const text = JSON.stringify(openapiJsonCompact(ir));
  return moduleText([
    [
      doc(`OpenAPI 3.1 of exactly the served routes; the same document as out/${ir.name}/openapi.json.`),
      `export const OPENAPI${ty(": Readonly<Record<string, unknown>>")} = JSON.parse(${text});`,
    ].join("\n"),
  ]);
}

const MODULES: readonly (readonly [string, (ir: ProjectIR) => string])[] = [
  ["types", typesModule],
  ["decode", decodeModule],
  ["openapi", openapiModule],
  ["definition", definitionModule],
  ["main", mainModule],
];

/** The type-check settings of the generated sources: as strict as the repository's own. */
export const SERVE_TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    lib: ["ES2023"],
    types: ["node"],
    strict: true,
    noUncheckedIndexedAccess: true,
    verbatimModuleSyntax: true,
    skipLibCheck: true,
    noEmit: true,
  },
  include: ["*.ts"],
};

export function generateServing(ir: ProjectIR): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  for (const [name, write] of MODULES) {
    const marked = write(ir);
    files.push({ path: `serve/${name}.ts`, contents: withTsHeader(ir.specPath, typeScript(marked)), mode: 0o644 });
    files.push({ path: `serve/${name}.js`, contents: withTsHeader(ir.specPath, javaScript(marked)), mode: 0o644 });
  }
  files.push({ path: "serve/tsconfig.json", contents: canonicalJson(SERVE_TSCONFIG, true), mode: 0o644 });
  return files;
}
