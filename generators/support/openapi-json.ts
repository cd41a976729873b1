/** openapi.json as written and served: canonical JSON (sorted keys, two-space indentation, trailing newline). */
import type { ProjectIR } from "../../compiler/ir.js";
import { canonicalJson } from "./canonical-json.js";
import { openapiDocument } from "./openapi-document.js";

// Three generators publish the same text (openapi.json, the served copy, the Neuron copy):
// serialized once per IR, as the document itself is built once.
const byIr = new WeakMap<ProjectIR, string>();

export function openapiJson(ir: ProjectIR): string {
  let text = byIr.get(ir);
  if (text === undefined) {
    text = canonicalJson(openapiDocument(ir), true);
    byIr.set(ir, text);
  }
  return text;
}

/**
 * The same document as one line (the serving module embeds it): re-serialized from the pretty
 * text, whose keys are already in canonical order (JSON.parse keeps it), instead of sorting
 * the document a second time.
 */
export function openapiJsonCompact(ir: ProjectIR): string {
  return JSON.stringify(JSON.parse(openapiJson(ir)));
}
