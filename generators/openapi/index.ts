/**
 * The `openapi` generator: `out/<name>/openapi.json`, canonical JSON (sorted keys, two-space
 * indentation, trailing newline), byte-identical to what the server serves.
 */
import type { GeneratedFile, ProjectIR } from "../../compiler/ir.js";
import { openapiJson } from "../support/openapi-json.js";

export { openapiDocument } from "../support/openapi-document.js";

export function generateOpenapi(ir: ProjectIR): GeneratedFile[] {
  return [{ path: "openapi.json", contents: openapiJson(ir), mode: 0o644 }];
}
