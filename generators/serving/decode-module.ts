/**
 * `serve/decode.ts`: the request decoder of one project, generated field by field. It
 * checks the `data` member of a predict body — namespace, attributes (single or batch form),
 * parameters — refuses anything undeclared, applies parameter defaults, and reports every
 * problem (capped) with a JSON pointer from the body root, e.g. `/data/attributes/text/3`.
 */
import type { FieldIR, ProjectIR } from "../../compiler/ir.js";
import { doc, functionText, importText, moduleText, ty } from "../support/typed-code.js";
import { decodeHelpers } from "./decode-helpers.js";
import { checkBody, enumConst, isColumnExpr } from "./field-checks.js";
import { key } from "../support/ts-api-types.js";

const lit = (v: unknown): string => JSON.stringify(v);

/** Field names reach generated identifiers; the schema keeps them to [A-Za-z0-9_]. */
function checkName(prefix: string, f: FieldIR): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(f.name)) throw new Error(`serve.api: field name ${lit(f.name)} is not an identifier`);
  if (f.name === "__proto__") throw new Error(`serve.api: the field name "__proto__" cannot be served`);
  return `${prefix}_${f.name}`;
}

/** The decoder module as marked text (see generators/support/typed-code.ts). */
export function decodeModule(ir: ProjectIR): string {
  const api = ir.serve.api;
  const setType = (t: string) => ty(`: ReadonlySet<${t}>`);
  const declarations = [
    doc("At most this many errors per request: a hostile batch cannot make the answer huge."),
    "const MAX_ERRORS = 20;",
    `const NAMESPACE = ${lit(api.namespace)};`,
    `const DATA_MEMBERS${setType("string")} = new Set(${lit(["attributes", "identifier", "namespace", "parameters"])});`,
    `const ATTRIBUTES${setType("string")} = new Set(${lit(api.attributes.map((f) => f.name))});`,
    `const PARAMETERS${setType("string")} = new Set(${lit(api.parameters.map((p) => p.name))});`,
    ...api.parameters.filter((p) => p.enum && p.enum.length > 0).map((p) => `const ${enumConst(p.name)}${setType("unknown")} = new Set(${lit(p.enum)});`),
  ];
  const checks = [
    ...api.attributes.map((f) =>
      functionText({
        name: checkName("check", f),
        doc: `Attribute \`${f.name}\` (${f.type}).`,
        params: CHECK_PARAMS,
        returns: "boolean",
        body: checkBody(f, { integerElements: ir.model.inputs.some((t) => t.name === f.name && t.datatype === "INT64") }),
      }),
    ),
    ...api.parameters.map((p) => functionText({ name: checkName("param", p), doc: `Parameter \`${p.name}\` (${p.type}).`, params: CHECK_PARAMS, returns: "boolean", body: checkBody(p) })),
  ];
  return moduleText([
    [importText(["ApiError", "DecodeResult"], "mesh/runtimes/serve/definition.js", true), importText(["Attributes", "DecodedRequest", "ResolvedParameters"], "./types.js", true)].join("\n"),
    declarations.join("\n"),
    ...decodeHelpers([...api.attributes, ...api.parameters].some((f) => (f.type === "string" && f.maxLength !== undefined) || f.type === "string[]")),
    ...checks,
    functionText({
      name: "decodeAttributes",
      params: [
        ["v", "unknown"],
        ["maxRows", "number"],
        ["errors", "ApiError[]"],
      ],
      returns: "{ rows: Attributes[]; batch: boolean } | undefined",
      body: attributesBody(ir),
    }),
    functionText({
      name: "decodeParameters",
      params: [
        ["v", "unknown"],
        ["errors", "ApiError[]"],
      ],
      returns: "ResolvedParameters",
      body: parametersBody(ir),
    }),
    functionText({
      name: "decode",
      exported: true,
      doc: ["Decodes the `data` member of a predict request body (already JSON-parsed). Never throws;", "every problem is reported with a JSON pointer from the body root."].join("\n"),
      params: [
        ["data", "unknown"],
        ["maxRows", "number"],
      ],
      returns: "DecodeResult<DecodedRequest>",
      body: [
        `const errors${ty(": ApiError[]")} = [];`,
        "if (!isObject(data)) {",
        '  fail(errors, data === undefined ? "required" : "invalid_type", "/data", data === undefined ? "is required" : "must be an object, got " + kind(data));',
        "  return { ok: false, errors };",
        "}",
        'refuseUnknown(data, DATA_MEMBERS, "/data", "a member of data (namespace, attributes, parameters, identifier)", errors);',
        'const namespace = data["namespace"];',
        'if (namespace === undefined) fail(errors, "required", "/data/namespace", "is required");',
        `else if (namespace !== NAMESPACE) fail(errors, "wrong_namespace", "/data/namespace", ${lit(`must be "${api.namespace}"`)});`,
        'const identifier = data["identifier"];',
        'if (identifier !== undefined && identifier !== null && typeof identifier !== "string") {',
        '  fail(errors, "invalid_type", "/data/identifier", "must be a string or null, got " + kind(identifier));',
        "}",
        'const attributes = decodeAttributes(data["attributes"], maxRows, errors);',
        'const parameters = decodeParameters(data["parameters"], errors);',
        "if (attributes === undefined || errors.length > 0) return { ok: false, errors };",
        "return { ok: true, decoded: { value: { rows: attributes.rows, parameters }, rows: attributes.rows.length, batch: attributes.batch } };",
      ],
    }),
  ]);
}

const CHECK_PARAMS = [
  ["v", "unknown"],
  ["pointer", "string"],
  ["errors", "ApiError[]"],
] as const;

function attributesBody(ir: ProjectIR): string[] {
  const fields = ir.serve.api.attributes;
  const names = fields.map((f) => f.name).join(", ") || "none";
  const lines = [
    "if (v === undefined) {",
    '  fail(errors, "required", "/data/attributes", "is required");',
    "  return undefined;",
    "}",
    "if (!isObject(v)) {",
    '  fail(errors, "invalid_type", "/data/attributes", "must be an object, got " + kind(v));',
    "  return undefined;",
    "}",
    `refuseUnknown(v, ATTRIBUTES, "/data/attributes", ${lit(`an attribute of ${ir.name} (attributes: ${names})`)}, errors);`,
  ];
  if (fields.length === 0) return [...lines, `return { rows: [{}${ty(" as Attributes")}], batch: false };`];
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
  lines.push("  if (errors.length > 0) return undefined;", `  return { rows: [v${ty(" as Attributes")}], batch: false };`, "}");
  const asList = (v: string) => `(${v}${ty(" as unknown[]")})`;
  lines.push(`const n = ${asList(first.v)}.length;`);
  lines.push(`if (n === 0) {`, `  fail(errors, "empty_batch", ${first.ptr}, "must hold at least one row");`, "  return undefined;", "}");
  lines.push("if (n > maxRows) {", `  fail(errors, "too_many_rows", ${first.ptr}, "must hold at most " + maxRows + " rows, got " + n);`, "  return undefined;", "}");
  for (const { f, v, ptr } of vars.slice(1)) {
    lines.push(
      `if (!${isColumnExpr(f, v)}) fail(errors, "invalid_type", ${ptr}, "must be an array like the other attributes (batch form), got " + kind(${v}));`,
      `else if (${asList(v)}.length !== n) fail(errors, "length_mismatch", ${ptr}, "must hold " + n + " rows like ${first.f.name}, got " + ${asList(v)}.length);`,
    );
  }
  lines.push("if (errors.length > 0) return undefined;");
  for (const { f, v, ptr } of vars) {
    lines.push(`for (let i = 0; i < n && errors.length < MAX_ERRORS; i++) ${checkName("check", f)}(${asList(v)}[i], ${ptr} + "/" + i, errors);`);
  }
  lines.push("if (errors.length > 0) return undefined;");
  lines.push(`const rows${ty(": Attributes[]")} = new Array(n);`);
  // Computed keys: an own property even for names such as "constructor".
  const row = fields.map((f, i) => `[${key(f.name)}]: ${asList(`a${i}`)}[i]`).join(", ");
  lines.push(`for (let i = 0; i < n; i++) rows[i] = { ${row} }${ty(" as Attributes")};`);
  lines.push("return { rows, batch: true };");
  return lines;
}

function parametersBody(ir: ProjectIR): string[] {
  const params = ir.serve.api.parameters;
  const defaults = params.filter((p) => p.default !== undefined).map((p) => `${key(p.name)}: ${lit(p.default)}`);
  const names = params.map((p) => p.name).join(", ") || "none";
  const lines = [
    `const out${ty(": ResolvedParameters")} = ${defaults.length > 0 ? `{ ${defaults.join(", ")} }` : "{}"};`,
    "if (v === undefined || v === null) return out;",
    "if (!isObject(v)) {",
    '  fail(errors, "invalid_type", "/data/parameters", "must be an object, got " + kind(v));',
    "  return out;",
    "}",
    `refuseUnknown(v, PARAMETERS, "/data/parameters", ${lit(`a parameter of ${ir.name} (parameters: ${names})`)}, errors);`,
  ];
  params.forEach((p, i) => {
    const ptr = lit(`/data/parameters/${p.name}`);
    lines.push(
      `const p${i} = v[${key(p.name)}];`,
      `if (p${i} !== undefined && ${checkName("param", p)}(p${i}, ${ptr}, errors)) out[${key(p.name)}] = p${i}${ty(` as ResolvedParameters[${key(p.name)}]`)};`,
    );
  });
  lines.push("return out;");
  return lines;
}
