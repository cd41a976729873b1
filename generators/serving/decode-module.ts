/**
 * `serve/decode.ts`: the request decoder of one project, generated field by field. It
 * checks the `data` member of a predict body — namespace, attributes (single or batch form),
 * parameters — refuses anything undeclared, applies parameter defaults, and reports every
 * problem (capped) with a JSON pointer from the body root, e.g. `/data/attributes/text/3`.
 */
import type { SourceFile } from "ts-morph";
import type { FieldIR, ProjectIR } from "../../compiler/ir.js";
import { addDecodeHelpers } from "./decode-helpers.js";
import { checkBody, enumConst, isColumnExpr } from "./field-checks.js";
import { key } from "../support/ts-api-types.js";

const lit = (v: unknown): string => JSON.stringify(v);

/** Field names reach generated identifiers; the schema keeps them to [A-Za-z0-9_]. */
function checkName(prefix: string, f: FieldIR): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(f.name)) throw new Error(`serve.api: field name ${lit(f.name)} is not an identifier`);
  if (f.name === "__proto__") throw new Error(`serve.api: the field name "__proto__" cannot be served`);
  return `${prefix}_${f.name}`;
}

export function writeDecodeModule(ir: ProjectIR, file: SourceFile): void {
  const api = ir.serve.api;
  file.addImportDeclaration({ isTypeOnly: true, moduleSpecifier: "mesh/runtimes/serve/definition.js", namedImports: ["ApiError", "DecodeResult"] });
  file.addImportDeclaration({ isTypeOnly: true, moduleSpecifier: "./types.js", namedImports: ["Attributes", "DecodedRequest", "ResolvedParameters"] });

  file.addStatements([
    "/** At most this many errors per request: a hostile batch cannot make the answer huge. */",
    "const MAX_ERRORS = 20;",
    `const NAMESPACE = ${lit(api.namespace)};`,
    `const DATA_MEMBERS: ReadonlySet<string> = new Set(${lit(["attributes", "identifier", "namespace", "parameters"])});`,
    `const ATTRIBUTES: ReadonlySet<string> = new Set(${lit(api.attributes.map((f) => f.name))});`,
    `const PARAMETERS: ReadonlySet<string> = new Set(${lit(api.parameters.map((p) => p.name))});`,
    ...api.parameters
      .filter((p) => p.enum && p.enum.length > 0)
      .map((p) => `const ${enumConst(p.name)}: ReadonlySet<unknown> = new Set(${lit(p.enum)});`),
  ]);

  addDecodeHelpers(file);

  for (const f of api.attributes) {
    file.addFunction({
      name: checkName("check", f),
      docs: [`Attribute \`${f.name}\` (${f.type}).`],
      parameters: [{ name: "v", type: "unknown" }, { name: "pointer", type: "string" }, { name: "errors", type: "ApiError[]" }],
      returnType: "boolean",
      statements: checkBody(f, { integerElements: ir.model.inputs.some((t) => t.name === f.name && t.datatype === "INT64") }).join("\n"),
    });
  }
  for (const p of api.parameters) {
    file.addFunction({
      name: checkName("param", p),
      docs: [`Parameter \`${p.name}\` (${p.type}).`],
      parameters: [{ name: "v", type: "unknown" }, { name: "pointer", type: "string" }, { name: "errors", type: "ApiError[]" }],
      returnType: "boolean",
      statements: checkBody(p).join("\n"),
    });
  }

  file.addFunction({
    name: "decodeAttributes",
    parameters: [{ name: "v", type: "unknown" }, { name: "maxRows", type: "number" }, { name: "errors", type: "ApiError[]" }],
    returnType: "{ rows: Attributes[]; batch: boolean } | undefined",
    statements: attributesBody(ir).join("\n"),
  });
  file.addFunction({
    name: "decodeParameters",
    parameters: [{ name: "v", type: "unknown" }, { name: "errors", type: "ApiError[]" }],
    returnType: "ResolvedParameters",
    statements: parametersBody(ir).join("\n"),
  });
  file.addFunction({
    name: "decode",
    isExported: true,
    docs: [
      [
        "Decodes the `data` member of a predict request body (already JSON-parsed). Never throws;",
        "every problem is reported with a JSON pointer from the body root.",
      ].join("\n"),
    ],
    parameters: [{ name: "data", type: "unknown" }, { name: "maxRows", type: "number" }],
    returnType: "DecodeResult<DecodedRequest>",
    statements: [
      "const errors: ApiError[] = [];",
      "if (!isObject(data)) {",
      "  fail(errors, data === undefined ? \"required\" : \"invalid_type\", \"/data\", data === undefined ? \"is required\" : \"must be an object, got \" + kind(data));",
      "  return { ok: false, errors };",
      "}",
      "refuseUnknown(data, DATA_MEMBERS, \"/data\", \"a member of data (namespace, attributes, parameters, identifier)\", errors);",
      "const namespace = data[\"namespace\"];",
      "if (namespace === undefined) fail(errors, \"required\", \"/data/namespace\", \"is required\");",
      `else if (namespace !== NAMESPACE) fail(errors, "wrong_namespace", "/data/namespace", ${lit(`must be "${api.namespace}"`)});`,
      "const identifier = data[\"identifier\"];",
      "if (identifier !== undefined && identifier !== null && typeof identifier !== \"string\") {",
      "  fail(errors, \"invalid_type\", \"/data/identifier\", \"must be a string or null, got \" + kind(identifier));",
      "}",
      "const attributes = decodeAttributes(data[\"attributes\"], maxRows, errors);",
      "const parameters = decodeParameters(data[\"parameters\"], errors);",
      "if (attributes === undefined || errors.length > 0) return { ok: false, errors };",
      "return { ok: true, decoded: { value: { rows: attributes.rows, parameters }, rows: attributes.rows.length, batch: attributes.batch } };",
    ].join("\n"),
  });
}

function attributesBody(ir: ProjectIR): string[] {
  const fields = ir.serve.api.attributes;
  const names = fields.map((f) => f.name).join(", ") || "none";
  const lines = [
    "if (v === undefined) {",
    "  fail(errors, \"required\", \"/data/attributes\", \"is required\");",
    "  return undefined;",
    "}",
    "if (!isObject(v)) {",
    "  fail(errors, \"invalid_type\", \"/data/attributes\", \"must be an object, got \" + kind(v));",
    "  return undefined;",
    "}",
    `refuseUnknown(v, ATTRIBUTES, "/data/attributes", ${lit(`an attribute of ${ir.name} (attributes: ${names})`)}, errors);`,
  ];
  if (fields.length === 0) return [...lines, "return { rows: [{} as Attributes], batch: false };"];
  const vars = fields.map((f, i) => ({ f, v: `a${i}`, ptr: lit(`/data/attributes/${f.name}`) }));
  for (const { f, v, ptr } of vars) {
    lines.push(`const ${v} = v[${key(f.name)}];`, `if (${v} === undefined) fail(errors, "required", ${ptr}, "is required");`);
  }
  lines.push("if (errors.length > 0) return undefined;");
  // The first attribute decides the form; the others must follow it.
  const first = vars[0]!;
  lines.push(`const batch = ${isColumnExpr(first.f, first.v)};`);
  lines.push("if (!batch) {");
  for (const { f, v, ptr } of vars) lines.push(`  ${checkName("check", f)}(${v}, ${ptr}, errors);`);
  lines.push("  if (errors.length > 0) return undefined;", "  return { rows: [v as Attributes], batch: false };", "}");
  lines.push(`const n = (${first.v} as unknown[]).length;`);
  lines.push(`if (n === 0) {`, `  fail(errors, "empty_batch", ${first.ptr}, "must hold at least one row");`, "  return undefined;", "}");
  lines.push(
    "if (n > maxRows) {",
    `  fail(errors, "too_many_rows", ${first.ptr}, "must hold at most " + maxRows + " rows, got " + n);`,
    "  return undefined;",
    "}",
  );
  for (const { f, v, ptr } of vars.slice(1)) {
    lines.push(
      `if (!${isColumnExpr(f, v)}) fail(errors, "invalid_type", ${ptr}, "must be an array like the other attributes (batch form), got " + kind(${v}));`,
      `else if ((${v} as unknown[]).length !== n) fail(errors, "length_mismatch", ${ptr}, "must hold " + n + " rows like ${first.f.name}, got " + (${v} as unknown[]).length);`,
    );
  }
  lines.push("if (errors.length > 0) return undefined;");
  for (const { f, v, ptr } of vars) {
    lines.push(
      `for (let i = 0; i < n && errors.length < MAX_ERRORS; i++) ${checkName("check", f)}((${v} as unknown[])[i], ${ptr} + "/" + i, errors);`,
    );
  }
  lines.push("if (errors.length > 0) return undefined;");
  lines.push("const rows: Attributes[] = new Array(n);");
  // Computed keys: an own property even for names such as "constructor".
  const row = fields.map((f, i) => `[${key(f.name)}]: (a${i} as unknown[])[i]`).join(", ");
  lines.push(`for (let i = 0; i < n; i++) rows[i] = { ${row} } as Attributes;`);
  lines.push("return { rows, batch: true };");
  return lines;
}

function parametersBody(ir: ProjectIR): string[] {
  const params = ir.serve.api.parameters;
  const defaults = params.filter((p) => p.default !== undefined).map((p) => `${key(p.name)}: ${lit(p.default)}`);
  const names = params.map((p) => p.name).join(", ") || "none";
  const lines = [
    `const out: ResolvedParameters = { ${defaults.join(", ")} };`,
    "if (v === undefined || v === null) return out;",
    "if (!isObject(v)) {",
    "  fail(errors, \"invalid_type\", \"/data/parameters\", \"must be an object, got \" + kind(v));",
    "  return out;",
    "}",
    `refuseUnknown(v, PARAMETERS, "/data/parameters", ${lit(`a parameter of ${ir.name} (parameters: ${names})`)}, errors);`,
  ];
  params.forEach((p, i) => {
    const ptr = lit(`/data/parameters/${p.name}`);
    lines.push(
      `const p${i} = v[${key(p.name)}];`,
      `if (p${i} !== undefined && ${checkName("param", p)}(p${i}, ${ptr}, errors)) out[${key(p.name)}] = p${i} as ResolvedParameters[${key(p.name)}];`,
    );
  });
  lines.push("return out;");
  return lines;
}
