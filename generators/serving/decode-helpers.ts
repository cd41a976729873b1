/**
 * The project-independent helpers every generated decoder starts with: error collection
 * (capped), the JSON kind of a value for messages, RFC 6901 pointer escaping, refusal of
 * undeclared members.
 */
import { functionText } from "../support/typed-code.js";

export function decodeHelpers(): string[] {
  return [
    functionText({
      name: "fail",
      params: [["errors", "ApiError[]"], ["code", "string"], ["pointer", "string"], ["detail", "string"]],
      returns: "void",
      body: ['if (errors.length < MAX_ERRORS) errors.push({ status: "400", code, detail, source: { pointer } });'],
    }),
    functionText({
      name: "isObject",
      params: [["v", "unknown"]],
      returns: "v is Record<string, unknown>",
      body: ['return typeof v === "object" && v !== null && !Array.isArray(v);'],
    }),
    functionText({
      name: "kind",
      doc: "The JSON kind of a value, for error details (never the value itself).",
      params: [["v", "unknown"]],
      returns: "string",
      body: ['return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;'],
    }),
    functionText({
      name: "member",
      doc: "JSON pointer of an object member (RFC 6901 escaping).",
      params: [["base", "string"], ["name", "string"]],
      returns: "string",
      body: ['return base + "/" + name.replace(/~/g, "~0").replace(/\\//g, "~1");'],
    }),
    functionText({
      name: "refuseUnknown",
      params: [["o", "Record<string, unknown>"], ["known", "ReadonlySet<string>"], ["base", "string"], ["what", "string"], ["errors", "ApiError[]"]],
      returns: "void",
      body: ["for (const name in o) {", '  if (!known.has(name)) fail(errors, "unknown_field", member(base, name), "is not " + what);', "}"],
    }),
  ];
}
