/** openapi.json as written and served: canonical JSON (sorted keys, two-space indentation, trailing newline). */
import type { ProjectIR } from "../../compiler/ir.js";
import { canonicalJson } from "./canonical-json.js";
import { openapiDocument } from "./openapi-document.js";

export const openapiJson = (ir: ProjectIR): string => canonicalJson(openapiDocument(ir), true);
