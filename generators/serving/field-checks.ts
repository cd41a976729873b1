/**
 * The body of one generated check function per declared field: a tight, hand-rolled test
 * of exactly what the spec says (type, length, range, enum, finiteness), no schema engine
 * on the hot path. Each check reports at most one error for its value (arrays: one per bad
 * element, capped by the decoder) and returns whether the value is good.
 */
import type { FieldIR, ParameterIR } from "../../compiler/ir.js";
import { LIST_ITEM_MAX_CHARS } from "../support/request-limits.js";
import { ty } from "../support/typed-code.js";

const lit = (v: unknown): string => JSON.stringify(v);

/** A number literal that survives JSON and TypeScript (the spec's min/max are finite). */
const num = (n: number): string => (Object.is(n, -0) ? "0" : String(n));

function rangeLines(f: FieldIR, value: string): string[] {
  const lines: string[] = [];
  const range =
    f.min !== undefined && f.max !== undefined ? `between ${num(f.min)} and ${num(f.max)}` : f.min !== undefined ? `at least ${num(f.min)}` : f.max !== undefined ? `at most ${num(f.max)}` : "";
  const conds: string[] = [];
  if (f.min !== undefined) conds.push(`${value} < ${num(f.min)}`);
  if (f.max !== undefined) conds.push(`${value} > ${num(f.max)}`);
  if (conds.length > 0) {
    lines.push(`if (${conds.join(" || ")}) {`, `  fail(errors, "out_of_range", pointer, ${lit(`must be ${range}`)});`, "  return false;", "}");
  }
  return lines;
}

function numberLines(f: FieldIR, value: string, integer: boolean): string[] {
  const what = integer ? "an integer" : "a number";
  return [
    `if (typeof ${value} !== "number") {`,
    `  fail(errors, "invalid_type", pointer, ${lit(`must be ${what}, got `)} + kind(${value}));`,
    "  return false;",
    "}",
    // JSON.parse turns 1e999 into Infinity: refused here, never fed to the model.
    `if (!Number.isFinite(${value})) {`,
    `  fail(errors, "not_finite", pointer, "must be a finite number");`,
    "  return false;",
    "}",
    ...(integer ? [`if (!Number.isInteger(${value})) {`, `  fail(errors, "invalid_type", pointer, "must be an integer");`, "  return false;", "}"] : []),
    ...rangeLines(f, value),
  ];
}

/** Statements of `check_<name>(v: unknown, pointer: string, errors: ApiError[]): boolean`. */
export function checkBody(f: FieldIR | ParameterIR, opts: { readonly integerElements?: boolean } = {}): string[] {
  const lines: string[] = [];
  switch (f.type) {
    case "string":
      lines.push(`if (typeof v !== "string") {`, `  fail(errors, "invalid_type", pointer, "must be a string, got " + kind(v));`, "  return false;", "}");
      if (f.maxLength !== undefined) {
        // maxLength counts Unicode code points, as JSON Schema (and so the OpenAPI document)
        // defines it; `v.length` (UTF-16 units) can only overcount, so it is the fast path.
        lines.push(
          `if (v.length > ${f.maxLength} && codePoints(v) > ${f.maxLength}) {`,
          `  fail(errors, "too_long", pointer, ${lit(`must be at most ${f.maxLength} characters long`)});`,
          "  return false;",
          "}",
        );
      }
      if ("enum" in f && f.enum && f.enum.length > 0) {
        lines.push(`if (!${enumConst(f.name)}.has(v)) {`, `  fail(errors, "not_in_enum", pointer, ${lit(`must be one of ${f.enum.join(", ")}`)});`, "  return false;", "}");
      }
      break;
    case "number":
    case "integer":
      lines.push(...numberLines(f, "v", f.type === "integer"));
      break;
    case "boolean":
      lines.push(`if (typeof v !== "boolean") {`, `  fail(errors, "invalid_type", pointer, "must be a boolean, got " + kind(v));`, "  return false;", "}");
      break;
    case "string[]":
      return stringListLines(f as ParameterIR);
    case "integer[]":
      return integerListLines(f);
    case "number[]": {
      lines.push(
        "if (!Array.isArray(v)) {",
        `  fail(errors, "invalid_type", pointer, "must be an array of numbers, got " + kind(v));`,
        "  return false;",
        "}",
        ...(f.length !== undefined
          ? [`if (v.length !== ${f.length}) {`, `  fail(errors, "wrong_length", pointer, ${lit(`must hold exactly ${f.length} numbers, got `)} + v.length);`, "  return false;", "}"]
          : [
              // A dynamic dimension: any length from 1 up to the bound.
              `if (v.length === 0 || v.length > ${f.maxLength ?? 0}) {`,
              `  fail(errors, "wrong_length", pointer, ${lit(`must hold 1 to ${f.maxLength ?? 0} numbers, got `)} + v.length);`,
              "  return false;",
              "}",
            ]),
        "let good = true;",
        "for (let j = 0; j < v.length; j++) {",
        `  const x${ty(": unknown")} = v[j];`,
        `  if (typeof x !== "number" || !Number.isFinite(x)) {`,
        `    fail(errors, typeof x === "number" ? "not_finite" : "invalid_type", pointer + "/" + j, "must be a finite number");`,
        "    good = false;",
        "  }",
        // An INT64 model input: fractions would be truncated silently, so they are refused.
        ...(opts.integerElements ? ["  else if (!Number.isSafeInteger(x)) {", `    fail(errors, "invalid_type", pointer + "/" + j, "must be an integer");`, "    good = false;", "  }"] : []),
        "}",
        "return good;",
      );
      return lines;
    }
  }
  lines.push("return true;");
  return lines;
}

/** A list of strings (at most `maxItems`, each of 1 to LIST_ITEM_MAX_CHARS code points), or one of the accepted single words. */
function stringListLines(p: ParameterIR): string[] {
  const words = p.words ?? [];
  return [
    ...(words.length > 0 ? [`if (typeof v === "string" && ${lit(words)}.includes(v)) return true;`] : []),
    "if (!Array.isArray(v)) {",
    `  fail(errors, "invalid_type", pointer, ${lit(`must be a list of strings${words.length > 0 ? ` or one of ${words.join(", ")}` : ""}, got `)} + kind(v));`,
    "  return false;",
    "}",
    ...(p.maxItems !== undefined
      ? [`if (v.length > ${p.maxItems}) {`, `  fail(errors, "too_many_items", pointer, ${lit(`must hold at most ${p.maxItems} items, got `)} + v.length);`, "  return false;", "}"]
      : []),
    "for (let j = 0; j < v.length; j++) {",
    `  const x${ty(": unknown")} = v[j];`,
    `  if (typeof x !== "string" || x.length === 0 || (x.length > ${LIST_ITEM_MAX_CHARS} && codePoints(x) > ${LIST_ITEM_MAX_CHARS})) {`,
    `    fail(errors, "invalid_type", pointer + "/" + j, "must be a string of 1 to ${LIST_ITEM_MAX_CHARS} characters");`,
    "    return false;",
    "  }",
    "}",
    "return true;",
  ];
}

/** A list of integers of a fixed length, each within the field's range. */
function integerListLines(f: FieldIR): string[] {
  const range = f.min !== undefined && f.max !== undefined ? ` between ${num(f.min)} and ${num(f.max)}` : "";
  const bad = [`x < ${num(f.min ?? Number.MIN_SAFE_INTEGER)}`, `x > ${num(f.max ?? Number.MAX_SAFE_INTEGER)}`].join(" || ");
  return [
    `if (!Array.isArray(v) || v.length !== ${f.length ?? 0}) {`,
    `  fail(errors, "invalid_type", pointer, ${lit(`must be a list of ${f.length ?? 0} integers, got `)} + kind(v));`,
    "  return false;",
    "}",
    "for (let j = 0; j < v.length; j++) {",
    `  const x${ty(": unknown")} = v[j];`,
    `  if (typeof x !== "number" || !Number.isInteger(x) || ${bad}) {`,
    `    fail(errors, "out_of_range", pointer + "/" + j, ${lit(`must be an integer${range}`)});`,
    "    return false;",
    "  }",
    "}",
    "return true;",
  ];
}

/** Name of the generated `Set` holding a parameter's allowed values. */
export const enumConst = (name: string): string => `ENUM_${name}`;

/**
 * For the batch form: does this attribute's value look like a column (an array of values)
 * rather than one value? For `number[]` fields one value is itself an array, so a column
 * is an array whose first element is an array (or an empty array: an empty batch).
 */
export function isColumnExpr(f: FieldIR, value: string): string {
  return f.type === "number[]" ? `(Array.isArray(${value}) && (${value}.length === 0 || Array.isArray(${value}[0])))` : `Array.isArray(${value})`;
}
