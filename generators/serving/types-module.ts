/**
 * `serve/types.ts`: the request, parameter and response types of one project's API, in
 * the single and the batch form, plus what the decoder hands to `encode` and `respond`.
 */
import type { ProjectIR } from "../../compiler/ir.js";
import { apiTypeAliases, typeAliasText } from "../support/ts-api-types.js";
import { moduleText, tyLine } from "../support/typed-code.js";

export function typesModule(ir: ProjectIR): string {
  const decoded = {
    name: "DecodedRequest",
    doc: "What `decode` hands to `encode` and `respond`: the rows in request order and the resolved parameters.",
    type: "{\n  rows: Attributes[];\n  parameters: ResolvedParameters;\n}",
  };
  // Types only: the JavaScript twin is an empty module.
  return moduleText([...[...apiTypeAliases(ir), decoded].map((a) => tyLine(typeAliasText(a))), "export {};"]);
}
