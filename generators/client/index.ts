/**
 * The `client` generator: `out/<name>/client/client.ts`, a typed, dependency-free,
 * fetch-based client of the served API (v1 routes and V2 `infer`), plus its `client.js` twin
 * for plain Node. The project-independent part is the asset templates/client-runtime.ts (and
 * its JavaScript twin), copied verbatim; the rest is written as marked text
 * (generators/support/typed-code.ts).
 */
import type { GeneratedFile, ProjectIR } from "../../compiler/ir.js";
import { withTsHeader } from "../support/header.js";
import { asset } from "../support/templates.js";
import { javaScript, moduleText, tyLine, typeScript } from "../support/typed-code.js";
import { apiTypeAliases, typeAliasText } from "../support/ts-api-types.js";
import { clientClass } from "./client-class.js";

/** The runtime asset; the TypeScript loses its leading doc comment (it describes the asset, not the client). */
const runtimeTs = (): string =>
  asset(import.meta.url, "templates/client-runtime.ts")
    .replace(/^\/\*\*[\s\S]*?\*\/\n/, "")
    .trim();
const runtimeJs = (): string => asset(import.meta.url, "templates/client-runtime.js").trim();

export function generateClient(ir: ProjectIR): GeneratedFile[] {
  const types = apiTypeAliases(ir).map((a) => tyLine(typeAliasText(a)));
  const cls = clientClass(ir);
  const ts = typeScript(moduleText([...types, runtimeTs(), cls]));
  const js = javaScript(moduleText([...types, runtimeJs(), cls]));
  return [
    { path: "client/client.ts", contents: withTsHeader(ir.specPath, ts), mode: 0o644 },
    { path: "client/client.js", contents: withTsHeader(ir.specPath, js), mode: 0o644 },
  ];
}
