/**
 * TypeScript → JavaScript for generated modules, in memory: Node 20 cannot run TypeScript,
 * and images should not need tsc. `transpileModule` is a pure syntax transform (no type
 * information, no file system), so the output is a deterministic function of the source.
 */
import { ts } from "ts-morph";

const OPTIONS: import("ts-morph").ts.CompilerOptions = {
  module: ts.ModuleKind.ESNext,
  target: ts.ScriptTarget.ES2022,
  verbatimModuleSyntax: true,
  removeComments: false,
  newLine: ts.NewLineKind.LineFeed,
};

/** JavaScript of `source` (its header comment is not kept: callers add it back). */
export function transpile(source: string, fileName: string): string {
  const out = ts.transpileModule(source, { compilerOptions: OPTIONS, fileName, reportDiagnostics: true });
  const errors = (out.diagnostics ?? []).filter((d) => d.category === ts.DiagnosticCategory.Error);
  if (errors.length > 0) {
    const message = ts.flattenDiagnosticMessageText(errors[0]!.messageText, "\n");
    throw new Error(`generated ${fileName} does not parse: ${message}`);
  }
  return out.outputText;
}
