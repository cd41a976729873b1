/**
 * The `openapi` generator: `out/<name>/openapi.json`, canonical JSON (sorted keys, two-space
 * indentation, trailing newline), byte-identical to what the server serves.
 */
import type { GeneratedFile, ProjectIR } from "../../compiler/ir.js";
import { canonicalJson } from "../support/canonical-json.js";
import { openapiDocument } from "./document.js";

export { openapiDocument } from "./document.js";

export function generateOpenapi(ir: ProjectIR): GeneratedFile[] {
  return [{ path: "openapi.json", contents: canonicalJson(openapiDocument(ir), true), mode: 0o644 }];
}
