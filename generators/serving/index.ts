/**
 * The `serving` generator: `out/<name>/serve/` — `types.ts`, `decode.ts`, `openapi.ts`,
 * `definition.ts`, `main.ts`, each with its transpiled `.js` twin so that
 * `node out/<name>/serve/main.js` runs without a build step, and a `tsconfig.json` that
 * type-checks the sources against the real `runtimes/serve` types.
 *
 * The TypeScript is built with ts-morph on one in-memory project and printed once.
 */
import type { SourceFile } from "ts-morph";
import type { GeneratedFile, ProjectIR } from "../../compiler/ir.js";
import { canonicalJson } from "../support/canonical-json.js";
import { openapiDocument } from "../support/openapi-document.js";
import { writeDecodeModule } from "./decode-module.js";
import { writeDefinitionModule } from "./definition-module.js";
import { withTsHeader } from "../support/header.js";
import { writeMainModule } from "./main-module.js";
import { memoryProject } from "../support/ts-memory-project.js";
import { transpile } from "../support/ts-transpile.js";
import { writeTypesModule } from "./types-module.js";

function writeOpenapiModule(ir: ProjectIR, file: SourceFile): void {
  // JSON.parse of a string literal: safe for any key (even "__proto__") and fast to load.
  const text = JSON.stringify(canonicalJson(openapiDocument(ir)));
  file.addStatements([
    `/** OpenAPI 3.1 of exactly the served routes; the same document as out/${ir.name}/openapi.json. */`,
    `export const OPENAPI: Readonly<Record<string, unknown>> = JSON.parse(${text});`,
  ]);
}

const MODULES: readonly (readonly [string, (ir: ProjectIR, file: SourceFile) => void])[] = [
  ["types", writeTypesModule],
  ["decode", writeDecodeModule],
  ["openapi", writeOpenapiModule],
  ["definition", writeDefinitionModule],
  ["main", writeMainModule],
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
  const project = memoryProject();
  const files: GeneratedFile[] = [];
  for (const [name, write] of MODULES) {
    const file = project.createSourceFile(`/serve/${name}.ts`, "");
    write(ir, file);
    file.formatText({ indentSize: 2, convertTabsToSpaces: true });
    const ts = withTsHeader(ir.specPath, file.getFullText());
    files.push({ path: `serve/${name}.ts`, contents: ts, mode: 0o644 });
    files.push({ path: `serve/${name}.js`, contents: withTsHeader(ir.specPath, transpile(ts, `${name}.ts`)), mode: 0o644 });
  }
  files.push({ path: "serve/tsconfig.json", contents: canonicalJson(SERVE_TSCONFIG, true), mode: 0o644 });
  return files;
}
