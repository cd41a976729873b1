// Writes generators/client/templates/client-runtime.js, the JavaScript twin of the client runtime
// asset (test/generators/client-runtime.test.ts fails when the two drift apart):
//   node scripts/client-runtime-js.mjs
import { readFileSync, writeFileSync } from "node:fs";
import { ts } from "ts-morph";

export const RUNTIME_TS = "generators/client/templates/client-runtime.ts";
export const RUNTIME_JS = "generators/client/templates/client-runtime.js";

/** The twin exactly as the test recomputes it: a pure syntax transform, no type information. */
export function runtimeJs(source) {
  const options = { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, newLine: ts.NewLineKind.LineFeed };
  return ts.transpileModule(source, { compilerOptions: options, fileName: "client-runtime.ts" }).outputText;
}

if (import.meta.url === `file://${process.argv[1]}`) writeFileSync(RUNTIME_JS, runtimeJs(readFileSync(RUNTIME_TS, "utf8")));
