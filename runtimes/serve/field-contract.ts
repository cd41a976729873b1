/**
 * The check of one request field, compiled by ajv from the field's JSON Schema as the OpenAPI
 * document publishes it (components.schemas.Attributes / Parameters), and the explanation of a
 * refusal in the JSON:API error shape: a code, a detail and a JSON pointer per bad value.
 *
 * ajv is the only judge of validity. The good path is one call of a validator compiled with
 * `allErrors: false`. Only a refused value is explained, and then by validators of the same
 * schema's parts (an array's shape, then its elements one at a time), so a hostile array of a
 * million bad elements costs at most MAX_ERRORS explanations, never a million error objects.
 */
import { _, Ajv2020, type CodeKeywordDefinition, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import type { ApiError } from "./definition.js";

/** At most this many errors per request: a hostile batch cannot make the answer huge. */
export const MAX_ERRORS = 20;

export type Schema = Readonly<Record<string, unknown>>;

/** Tests one value; on a refusal appends its errors (capped) and returns false. */
export type FieldCheck = (v: unknown, pointer: string, errors: ApiError[]) => boolean;

export function fail(errors: ApiError[], code: string, pointer: string, detail: string): void {
  if (errors.length < MAX_ERRORS) errors.push({ status: "400", code, detail, source: { pointer } });
}

/** The JSON kind of a value, for error details (never the value itself). */
export function kind(v: unknown): string {
  return v === null ? "null" : Array.isArray(v) ? "array" : typeof v;
}

/** ajv compilers: `first` stops at a value's first error (the good path), `all` lists them (explanations). */
export interface FieldCompilers {
  readonly first: (schema: Schema) => ValidateFunction;
  readonly all: (schema: Schema) => ValidateFunction;
}

/**
 * The compilers of one server. `strictNumbers` makes `type: number` refuse Infinity and NaN
 * (JSON.parse turns 1e999 into Infinity); the document is generated, so its schemas are not
 * checked against the meta-schema again at every start.
 */
export function fieldCompilers(): FieldCompilers {
  const options = { strict: true, strictNumbers: true, messages: false, validateSchema: false, addUsedSchema: false } as const;
  const first = withFastLength(new Ajv2020({ ...options, allErrors: false }));
  const all = withFastLength(new Ajv2020({ ...options, allErrors: true }));
  return { first: (schema) => first.compile(schema as Record<string, unknown>), all: (schema) => all.compile(schema as Record<string, unknown>) };
}

/** Length in Unicode code points, as JSON Schema counts it: a surrogate pair is one, a lone surrogate is one. */
function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++, n++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
  }
  return n;
}

/**
 * maxLength and minLength with JSON Schema's meaning (code points) and a
 * fast path: a string has at most as many code points as UTF-16 units and at least half as many,
 * so most strings are judged by `.length` alone instead of a walk over every character (which
 * made a 1,200-character text cost 3.6 µs to check against a 100,000 limit).
 */
function withFastLength(ajv: Ajv2020): Ajv2020 {
  ajv.removeKeyword("maxLength");
  ajv.removeKeyword("minLength");
  const length: CodeKeywordDefinition = {
    keyword: ["maxLength", "minLength"],
    type: "string",
    schemaType: "number",
    error: { message: "length out of bounds", params: ({ schemaCode }) => _`{limit: ${schemaCode}}` },
    code(cxt) {
      const { keyword, data, schemaCode, gen } = cxt;
      const count = gen.scopeValue("func", { ref: codePoints });
      cxt.fail(keyword === "maxLength" ? _`${data}.length > ${schemaCode} && ${count}(${data}) > ${schemaCode}` : _`${data}.length < 2 * ${schemaCode} && ${count}(${data}) < ${schemaCode}`);
    },
  };
  return ajv.addKeyword(length);
}

/** A number as the spec wrote it (the schema's bounds are finite; -0 reads as 0). */
const num = (n: unknown): string => (Object.is(n, -0) ? "0" : String(n));

function rangeText(s: Schema): string {
  const lo = s["minimum"];
  const hi = s["maximum"];
  if (lo !== undefined && hi !== undefined) return `between ${num(lo)} and ${num(hi)}`;
  return lo !== undefined ? `at least ${num(lo)}` : `at most ${num(hi)}`;
}

const TYPE_WORDS: Readonly<Record<string, string>> = { string: "a string", number: "a number", integer: "an integer", boolean: "a boolean", null: "null", object: "an object" };
const PLURAL: Readonly<Record<string, string>> = { string: "strings", number: "numbers", integer: "integers", boolean: "booleans" };

/** What a value of this schema is, for "must be …" details. */
function describe(s: Schema): string {
  const alternatives = s["oneOf"] as readonly Schema[] | undefined;
  if (alternatives) {
    const list = alternatives.find((a) => a["type"] === "array");
    const words = alternatives.find((a) => Array.isArray(a["enum"]))?.["enum"] as readonly unknown[] | undefined;
    return `${list ? describe(list) : "a value"}${words ? ` or one of ${words.join(", ")}` : ""}`;
  }
  const type = s["type"];
  if (Array.isArray(type)) return type.map((t) => TYPE_WORDS[String(t)] ?? String(t)).join(" or ");
  if (type === "array") return `an array of ${PLURAL[String((s["items"] as Schema | undefined)?.["type"])] ?? "values"}`;
  return TYPE_WORDS[String(type)] ?? "a valid value";
}

/** The first of a value's own errors (not its elements'), in the order the details read best. */
const PRIORITY = ["type", "minItems", "maxItems", "minLength", "maxLength", "const", "enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "oneOf"];
function firstOwnError(all: readonly ErrorObject[]): ErrorObject | undefined {
  const own = all.filter((e) => e.instancePath === "");
  return own.sort((a, b) => rank(a.keyword) - rank(b.keyword))[0];
}
const rank = (keyword: string): number => {
  const i = PRIORITY.indexOf(keyword);
  return i < 0 ? PRIORITY.length : i;
};

/** One error for a scalar value (or an array's own shape), worded from the schema. */
function explainOwn(s: Schema, e: ErrorObject | undefined, v: unknown, pointer: string, errors: ApiError[]): void {
  const keyword = e?.keyword ?? "type";
  switch (keyword) {
    case "type":
      if (typeof v === "number" && (s["type"] === "number" || s["type"] === "integer")) {
        if (!Number.isFinite(v)) fail(errors, "not_finite", pointer, "must be a finite number");
        else fail(errors, "invalid_type", pointer, "must be an integer");
      } else fail(errors, "invalid_type", pointer, `must be ${describe(s)}, got ${kind(v)}`);
      return;
    case "minLength":
      fail(errors, "too_short", pointer, `must be at least ${num(s["minLength"])} characters long`);
      return;
    case "maxLength":
      fail(errors, "too_long", pointer, `must be at most ${num(s["maxLength"])} characters long`);
      return;
    case "const":
    case "enum": {
      const allowed = keyword === "const" ? [s["const"]] : (s["enum"] as readonly unknown[]);
      fail(errors, "not_in_enum", pointer, `must be one of ${allowed.join(", ")}`);
      return;
    }
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
      fail(errors, "out_of_range", pointer, `must be ${rangeText(s)}`);
      return;
    case "minItems":
    case "maxItems": {
      const length = (v as readonly unknown[]).length;
      const lo = s["minItems"] as number | undefined;
      const hi = s["maxItems"] as number | undefined;
      const items = PLURAL[String((s["items"] as Schema | undefined)?.["type"])] ?? "items";
      if (lo !== undefined && lo === hi) fail(errors, "wrong_length", pointer, `must hold exactly ${lo} ${items}, got ${length}`);
      else if (lo !== undefined && hi !== undefined) fail(errors, "wrong_length", pointer, `must hold ${lo} to ${hi} ${items}, got ${length}`);
      else if (hi !== undefined) fail(errors, "too_many_items", pointer, `must hold at most ${hi} items, got ${length}`);
      else fail(errors, "too_few_items", pointer, `must hold at least ${lo} items, got ${length}`);
      return;
    }
    default:
      fail(errors, "invalid_value", pointer, `must be ${describe(s)}`);
  }
}

/**
 * The check of a field whose schema is `s`. Arrays are explained shape first (type and
 * length), then element by element, each bad element with its own pointer. A `oneOf` of a
 * list and a set of words (`stop_words: "english"` or a list) is explained as its list.
 */
export function fieldCheck(s: Schema, compilers: FieldCompilers): FieldCheck {
  const valid = compilers.first(s);
  // Compiled on the first refusal: a server that is only sent good requests never pays for it.
  let explain: Explain | undefined;
  return (v, pointer, errors) => {
    if (valid(v)) return true;
    explain ??= explainer(s, compilers);
    explain(v, pointer, errors);
    return false;
  };
}

type Explain = (v: unknown, pointer: string, errors: ApiError[]) => void;

function explainer(s: Schema, compilers: FieldCompilers): Explain {
  const alternatives = s["oneOf"] as readonly Schema[] | undefined;
  const list = alternatives?.find((a) => a["type"] === "array");
  if (alternatives && list) {
    const explainList = explainer(list, compilers);
    // A string is always refused as "not one of the words"; anything else as the list.
    return (v, pointer, errors) => (typeof v === "string" ? explainOwn(s, undefined, v, pointer, errors) : explainList(v, pointer, errors));
  }
  if (s["type"] === "array" && s["items"] !== undefined) {
    const { items, ...shape } = s;
    const shapeValid = compilers.all(shape);
    const itemCheck = fieldCheck(items as Schema, compilers);
    return (v, pointer, errors) => {
      if (!shapeValid(v)) {
        explainOwn(s, firstOwnError(shapeValid.errors ?? []), v, pointer, errors);
        return;
      }
      const list = v as readonly unknown[];
      for (let j = 0; j < list.length && errors.length < MAX_ERRORS; j++) itemCheck(list[j], `${pointer}/${j}`, errors);
    };
  }
  const validAll = compilers.all(s);
  return (v, pointer, errors) => {
    validAll(v);
    explainOwn(s, firstOwnError(validAll.errors ?? []), v, pointer, errors);
  };
}
