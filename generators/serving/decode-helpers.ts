/**
 * The project-independent helpers every generated decoder starts with: error collection
 * (capped), the JSON kind of a value for messages, RFC 6901 pointer escaping, refusal of
 * undeclared members.
 */
import type { SourceFile } from "ts-morph";

export function addDecodeHelpers(file: SourceFile): void {
  file.addFunctions([
    {
      name: "fail",
      parameters: [{ name: "errors", type: "ApiError[]" }, { name: "code", type: "string" }, { name: "pointer", type: "string" }, { name: "detail", type: "string" }],
      returnType: "void",
      statements: ["if (errors.length < MAX_ERRORS) errors.push({ status: \"400\", code, detail, source: { pointer } });"],
    },
    {
      name: "isObject",
      parameters: [{ name: "v", type: "unknown" }],
      returnType: "v is Record<string, unknown>",
      statements: ["return typeof v === \"object\" && v !== null && !Array.isArray(v);"],
    },
    {
      name: "kind",
      docs: ["The JSON kind of a value, for error details (never the value itself)."],
      parameters: [{ name: "v", type: "unknown" }],
      returnType: "string",
      statements: ["return v === null ? \"null\" : Array.isArray(v) ? \"array\" : typeof v;"],
    },
    {
      name: "member",
      docs: ["JSON pointer of an object member (RFC 6901 escaping)."],
      parameters: [{ name: "base", type: "string" }, { name: "name", type: "string" }],
      returnType: "string",
      statements: ["return base + \"/\" + name.replace(/~/g, \"~0\").replace(/\\//g, \"~1\");"],
    },
    {
      name: "refuseUnknown",
      parameters: [{ name: "o", type: "Record<string, unknown>" }, { name: "known", type: "ReadonlySet<string>" }, { name: "base", type: "string" }, { name: "what", type: "string" }, { name: "errors", type: "ApiError[]" }],
      returnType: "void",
      statements: ["for (const name in o) {", "  if (!known.has(name)) fail(errors, \"unknown_field\", member(base, name), \"is not \" + what);", "}"].join("\n"),
    },
  ]);
}
