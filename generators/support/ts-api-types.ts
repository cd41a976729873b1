/**
 * TypeScript type text for the API fields of the IR: one place decides how a spec type
 * (`string`, `integer`, `number[]`, `scores`…) reads in generated types, so the server's
 * types and the client's types cannot drift apart.
 */
import type { FieldIR, ParameterIR, ProjectIR, ResponseFieldIR } from "../../compiler/ir.js";
import { doc } from "../support/typed-code.js";

/** A property key as TypeScript source: always quoted, so any field name is safe. */
export const key = (name: string): string => JSON.stringify(name);

export function fieldType(field: FieldIR | ResponseFieldIR, labels: readonly string[]): string {
  switch (field.type) {
    case "string":
      return "string";
    case "number":
    case "integer":
      return "number";
    case "boolean":
      return "boolean";
    case "number[]":
    case "integer[]":
      return "number[]";
    case "string[]":
      return "string[]";
    case "scores":
      return labels.length > 0 ? `{ ${labels.map((l) => `${key(l)}: number`).join("; ")} }` : "Record<string, number>";
    case "entities":
      return "Array<{ entity_type: string; entity_text: string; score: number; sentence_index: number; start: number; end: number }>";
    case "keywords":
      return "Array<{ keyword_token: string; keyword_score: number }>";
  }
}

/** Parameter type: a union of string literals when the spec lists an enum. */
export function parameterType(p: ParameterIR): string {
  if (p.enum && p.enum.length > 0) return p.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (p.type === "string[]" && p.words && p.words.length > 0) return ["string[]", ...p.words.map((v) => JSON.stringify(v))].join(" | ");
  return fieldType(p, []);
}

export interface TypeAlias {
  readonly name: string;
  readonly doc: string;
  readonly type: string;
}

const objectType = (members: readonly string[]): string => (members.length === 0 ? "{}" : `{\n${members.map((m) => `  ${m};`).join("\n")}\n}`);
const arrayOf = (t: string): string => (/^[A-Za-z]+$/.test(t) ? `${t}[]` : `Array<${t}>`);

/**
 * The request/response type aliases of one project's API, in declaration order. Type
 * aliases rather than interfaces: a row must be assignable to `Record<string, unknown>`
 * (what the shared featurizers take), which interfaces are not.
 */
export function apiTypeAliases(ir: ProjectIR): TypeAlias[] {
  const api = ir.serve.api;
  const labels = ir.model.labels;
  const ns = JSON.stringify(api.namespace);
  return [
    {
      name: "Attributes",
      doc: "One row of request attributes (the single form).",
      type: objectType(api.attributes.map((f) => `${key(f.name)}: ${fieldType(f, labels)}`)),
    },
    {
      name: "BatchAttributes",
      doc: "Request attributes in the batch form: one array per attribute, all of the same length.",
      type: objectType(api.attributes.map((f) => `${key(f.name)}: ${arrayOf(fieldType(f, labels))}`)),
    },
    {
      name: "Parameters",
      doc: "Request parameters as sent: every one may be left out (defaults apply).",
      type: objectType(api.parameters.map((p) => `${key(p.name)}?: ${parameterType(p)}`)),
    },
    {
      name: "ResolvedParameters",
      doc: "Parameters after decoding: the spec's defaults are filled in.",
      type: objectType(api.parameters.map((p) => `${key(p.name)}${p.default === undefined ? "?" : ""}: ${parameterType(p)}`)),
    },
    {
      name: "ResponseAttributes",
      doc: "Response attributes for one row.",
      type: objectType(api.response.map((f) => `${key(f.name)}: ${fieldType(f, labels)}`)),
    },
    {
      name: "BatchResponseAttributes",
      doc: "Response attributes in the batch form: one array per field, in request order.",
      type: objectType(api.response.map((f) => `${key(f.name)}: ${arrayOf(fieldType(f, labels))}`)),
    },
    {
      name: "PredictRequest",
      doc: `Body of \`POST ${api.basePath}/predict\`.`,
      type: objectType([`data: {\n    namespace: ${ns};\n    attributes: Attributes | BatchAttributes;\n    parameters?: Parameters | null;\n    identifier?: string | null;\n  }`]),
    },
    {
      name: "PredictResponse",
      doc: `Answer of \`POST ${api.basePath}/predict\`; batch requests get batch attributes.`,
      type: objectType([`version: 1`, `data: { namespace: ${ns}; attributes: ResponseAttributes | BatchResponseAttributes }`]),
    },
  ];
}

/** `export type Name = …;` with its doc comment. */
export function typeAliasText(alias: TypeAlias): string {
  return `${doc(alias.doc)}\nexport type ${alias.name} = ${alias.type};`;
}
