/**
 * `serve/types.ts`: the request, parameter and response types of one project's API, in
 * the single and the batch form, plus what the decoder hands to `encode` and `respond`.
 */
import type { SourceFile } from "ts-morph";
import type { ProjectIR } from "../../compiler/ir.js";
import { apiTypeAliases } from "../support/ts-api-types.js";

export function writeTypesModule(ir: ProjectIR, file: SourceFile): void {
  for (const alias of apiTypeAliases(ir)) {
    file.addTypeAlias({ name: alias.name, isExported: true, docs: [alias.doc], type: alias.type });
  }
  file.addTypeAlias({
    name: "DecodedRequest",
    isExported: true,
    docs: ["What `decode` hands to `encode` and `respond`: the rows in request order and the resolved parameters."],
    type: "{\n  rows: Attributes[];\n  parameters: ResolvedParameters;\n}",
  });
}
