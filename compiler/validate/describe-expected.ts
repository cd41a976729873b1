/**
 * What a field expects, in the words of the docs ("integer from 1 to 4096", "one of sgd,
 * adam", "a list of 2 to 1000 items"), and what the document holds instead (`"8x"`, `a list
 * of 1 item`), for "expected …, got …" messages.
 */
import { defOf, enumValues, unwrap, type Schema } from "./schema-walk.js";

/** Numeric bounds as a phrase: "from 1 to 4096", "≥ 0", "> 0 and < 1", or "". */
export function numberBounds(schema: Schema): string {
  let min: { v: number; inc: boolean } | undefined;
  let max: { v: number; inc: boolean } | undefined;
  for (const c of defOf(schema).checks ?? []) {
    const cd = c._zod.def;
    if (cd.check === "greater_than" && cd.value !== undefined) min = { v: cd.value, inc: cd.inclusive ?? false };
    if (cd.check === "less_than" && cd.value !== undefined) max = { v: cd.value, inc: cd.inclusive ?? false };
  }
  if (min && max && min.inc && max.inc) return `from ${min.v} to ${max.v}`;
  const parts = [min ? `${min.inc ? "≥" : ">"} ${min.v}` : "", max ? `${max.inc ? "≤" : "<"} ${max.v}` : ""].filter(Boolean);
  return parts.join(" and ");
}

function lengthLimits(schema: Schema): { min?: number; max?: number } {
  const out: { min?: number; max?: number } = {};
  for (const c of defOf(schema).checks ?? []) {
    const cd = c._zod.def;
    if (cd.check === "min_length" && cd.minimum !== undefined) out.min = cd.minimum;
    if (cd.check === "max_length" && cd.maximum !== undefined) out.max = cd.maximum;
  }
  return out;
}

/** Short description of what `schema` accepts, for "expected …" messages. */
export function describe(schema: Schema | undefined, depth = 0): string {
  if (!schema || depth > 4) return "a valid value";
  const s = unwrap(schema);
  const d = defOf(s);
  switch (d.type) {
    case "number": {
      const isInt = d.format === "safeint" || d.format === "int32" || d.format === "uint32";
      const bounds = numberBounds(s);
      return `${isInt ? "integer" : "number"}${bounds ? ` ${bounds}` : ""}`;
    }
    case "int":
      return "integer";
    case "string": {
      const { max } = lengthLimits(s);
      return max !== undefined ? `string of at most ${max} characters` : "string";
    }
    case "boolean":
      return "true or false";
    case "null":
      return "null";
    case "enum":
    case "literal": {
      const values = enumValues(s) ?? [];
      return values.length === 1 ? JSON.stringify(values[0]) : `one of ${values.join(", ")}`;
    }
    case "object":
    case "record":
      return "a mapping";
    case "array": {
      const { min, max } = lengthLimits(s);
      const n = min !== undefined && max !== undefined ? ` of ${min} to ${max} items` : min ? ` of at least ${min} item${min === 1 ? "" : "s"}` : "";
      return `a list${n}`;
    }
    case "tuple":
      return `a list of ${d.items?.length ?? 0} items`;
    case "union": {
      const options = (d.options ?? []).map((o) => describe(o, depth + 1));
      return [...new Set(options)].join(" or ");
    }
    default:
      return "a valid value";
  }
}

/** Shows a value found in the document, short and unambiguous: `"8x"`, `12`, `a list`. */
export function showValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "null (an empty value)";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? "" : "s"}`;
  return "a mapping";
}
