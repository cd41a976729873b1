/**
 * `serve/decode.ts`: the project's request decoder, built when the server starts from the
 * request schemas of the OpenAPI document it publishes (`runtimes/serve/request-contract.ts`
 * compiles them with ajv). Only the field names, in declaration order, are written here: every
 * constraint is read from the document, so the decoder cannot disagree with it.
 */
import type { ProjectIR } from "../../compiler/ir.js";
import { doc, importText, moduleText, ty } from "../support/typed-code.js";

export function decodeModule(ir: ProjectIR): string {
  const api = ir.serve.api;
  const fields = { name: ir.name, attributes: api.attributes.map((f) => f.name), parameters: api.parameters.map((p) => p.name) };
  return moduleText([
    [importText(["requestDecoder"], "mesh/runtimes/serve/request-contract.js"), importText(["OPENAPI"], "./openapi.js"), importText(["DecodedRequest"], "./types.js", true)].join("\n"),
    [
      doc(
        [
          "Decodes the `data` member of a predict request body (already JSON-parsed) against the request",
          "schemas of OPENAPI. Never throws; every problem is reported with a JSON pointer from the body root.",
        ].join("\n"),
      ),
      `export const decode = requestDecoder${ty("<DecodedRequest>")}(OPENAPI, ${JSON.stringify(fields)});`,
    ].join("\n"),
  ]);
}
