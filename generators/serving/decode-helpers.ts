/**
 * The project-independent helpers every generated decoder starts with: error collection
 * (capped), the JSON kind of a value for messages, RFC 6901 pointer escaping, refusal of
 * undeclared members, string length in code points.
 */
import { functionText } from "../support/typed-code.js";

/** `codePoints` only where a string's length is checked: a string field with a maxLength, or a string list (see field-checks.ts). */
export function decodeHelpers(withCodePoints: boolean): string[] {
  return [
    functionText({
      name: "fail",
      params: [
        ["errors", "ApiError[]"],
        ["code", "string"],
        ["pointer", "string"],
        ["detail", "string"],
      ],
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
      params: [
        ["base", "string"],
        ["name", "string"],
      ],
      returns: "string",
      body: ['return base + "/" + name.replace(/~/g, "~0").replace(/\\//g, "~1");'],
    }),
    functionText({
      name: "refuseUnknown",
      params: [
        ["o", "Record<string, unknown>"],
        ["known", "ReadonlySet<string>"],
        ["base", "string"],
        ["what", "string"],
        ["errors", "ApiError[]"],
      ],
      returns: "void",
      body: ["for (const name in o) {", '  if (!known.has(name)) fail(errors, "unknown_field", member(base, name), "is not " + what);', "}"],
    }),
    ...(withCodePoints
      ? [
          functionText({
            name: "codePoints",
            doc: "Length in Unicode code points (a surrogate pair is one; a lone surrogate is one), as JSON Schema's maxLength counts.",
            params: [["s", "string"]],
            returns: "number",
            body: [
              "let n = 0;",
              "for (let i = 0; i < s.length; i++, n++) {",
              "  const c = s.charCodeAt(i);",
              "  if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {",
              "    const d = s.charCodeAt(i + 1);",
              "    if (d >= 0xdc00 && d <= 0xdfff) i++;",
              "  }",
              "}",
              "return n;",
            ],
          }),
        ]
      : []),
  ];
}
