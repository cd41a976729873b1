/**
 * The `client` generator: `out/<name>/client/client.ts`, a typed, dependency-free,
 * fetch-based client of the served API (v1 routes and V2 `infer`), plus its transpiled
 * `client.js` for plain Node.
 */
import type { GeneratedFile, ProjectIR } from "../../compiler/ir.js";
import { withTsHeader } from "../support/header.js";
import { memoryProject } from "../support/ts-memory-project.js";
import { transpile } from "../support/ts-transpile.js";
import { apiTypeAliases } from "../support/ts-api-types.js";
import { CLIENT_RUNTIME } from "./client-runtime.js";
import { clientClass } from "./client-class.js";

export function generateClient(ir: ProjectIR): GeneratedFile[] {
  const file = memoryProject().createSourceFile("/client/client.ts", "");
  for (const alias of apiTypeAliases(ir)) {
    file.addTypeAlias({ name: alias.name, isExported: true, docs: [alias.doc], type: alias.type });
  }
  file.addStatements(CLIENT_RUNTIME);
  file.addStatements(clientClass(ir));
  file.formatText({ indentSize: 2, convertTabsToSpaces: true });
  const ts = withTsHeader(ir.specPath, file.getFullText());
  return [
    { path: "client/client.ts", contents: ts, mode: 0o644 },
    { path: "client/client.js", contents: withTsHeader(ir.specPath, transpile(ts, "client.ts")), mode: 0o644 },
  ];
}
