/**
 * A fast emitter for plain data YAML, byte-identical to `yaml`'s
 * `stringify(value, { sortMapEntries: true, lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false })`
 * (with `strings: "double"`: plus `defaultStringType: "QUOTE_DOUBLE", defaultKeyType: "PLAIN"`)
 * on the subset it accepts: plain objects, arrays, finite numbers, booleans, null, and one-line
 * strings made of printable characters. Building `yaml`'s document tree to print it cost about a
 * quarter of `mesh generate`'s CPU for data that never needs comments, anchors or tags.
 *
 * Anything outside the subset (multi-line strings, control characters, document markers, class
 * instances, toJSON, undefined in a list, very long keys) returns undefined, and the caller prints
 * with `yaml` itself — so the output never depends on which path ran. test/generators/support
 * checks the two agree on generated data.
 */
import { Document } from "yaml";

/** The core schema's non-string scalars (null, booleans, numbers): a plain string matching one must be quoted. */
const NON_STRING_TAGS = new Document().schema.tags.filter((t) => t.default && t.tag !== "tag:yaml.org,2002:str" && t.test instanceof RegExp).map((t) => t.test as RegExp);

/** Where a plain scalar would be read as something else (the same rule `yaml` applies). */
const NEEDS_QUOTES = /^[\n\t ,[\]{}#&*!|>'"%@`]|^[?-]$|^[?-][ \t]|[\n:][ \t]|[ \t]\n|[\n\t ]#|[\n\t :]$/;
/** Newlines, control characters, lone surrogates: `yaml` switches to block or escaped styles. */
const OUTSIDE_SUBSET = /[\x00-\x1f\x7f-\x9f\u2028\u2029\u{D800}-\u{DFFF}]/u;
/** `%`, `---` or `...` at a line start: `yaml`'s choice depends on the indentation. */
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/;
/** `yaml` writes longer keys as explicit `? key` entries. */
const MAX_IMPLICIT_KEY = 1000;

class Unsupported extends Error {}

export interface DataYamlOptions {
  /** "plain" (default): strings plain where YAML allows; "double": every string value double-quoted, keys plain where allowed. */
  readonly strings?: "plain" | "double";
}

/** The YAML text of `value` (ending in a newline), or undefined when it lies outside the subset. */
export function stringifyDataYaml(value: unknown, options: DataYamlOptions = {}): string | undefined {
  const q = options.strings === "double";
  try {
    if (isEmptyCollection(value)) return `${Array.isArray(value) ? "[]" : "{}"}\n`;
    if (isPlainObject(value) || Array.isArray(value)) return block(value, "", q);
    return `${scalar(value, q)}\n`;
  } catch (err) {
    if (err instanceof Unsupported) return undefined;
    throw err;
  }
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && typeof (v as { toJSON?: unknown }).toJSON !== "function";
}

function isEmptyCollection(v: unknown): boolean {
  if (Array.isArray(v)) return v.length === 0;
  return isPlainObject(v) && !Object.values(v).some((x) => x !== undefined);
}

/** A non-empty map or list at `indent`: its lines, each ending in a newline; `q`: string values double-quoted. */
function block(v: Record<string, unknown> | unknown[], indent: string, q: boolean): string {
  let out = "";
  if (Array.isArray(v)) {
    for (const item of v) {
      if (item === undefined) throw new Unsupported();
      out += `${indent}- ${inlineFirst(item, `${indent}  `, q)}`;
    }
    return out;
  }
  // The same comparison `yaml` sorts with (UTF-16 code units), on a stable sort.
  const keys = Object.keys(v)
    .filter((k) => v[k] !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  for (const k of keys) {
    const value = v[k];
    const key = keyText(k);
    if (isEmptyCollection(value)) out += `${indent}${key}: ${Array.isArray(value) ? "[]" : "{}"}\n`;
    else if (Array.isArray(value)) out += `${indent}${key}:\n${block(value, `${indent}  `, q)}`;
    else if (isPlainObject(value)) out += `${indent}${key}:\n${block(value, `${indent}  `, q)}`;
    else out += `${indent}${key}: ${scalar(value, q)}\n`;
  }
  return out;
}

/** A list item's text after its `- `: a collection's first line joins the dash, the rest sit at `indent`. */
function inlineFirst(item: unknown, indent: string, q: boolean): string {
  if (isEmptyCollection(item)) return `${Array.isArray(item) ? "[]" : "{}"}\n`;
  if (Array.isArray(item) || isPlainObject(item)) return block(item, indent, q).slice(indent.length);
  return `${scalar(item, q)}\n`;
}

function keyText(k: string): string {
  if (k.length > MAX_IMPLICIT_KEY) throw new Unsupported();
  return stringText(k);
}

function scalar(v: unknown, q: boolean): string {
  if (v === null) return "null";
  if (typeof v === "boolean") return v ? "true" : "false";
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Unsupported();
    return Object.is(v, -0) ? "-0" : JSON.stringify(v);
  }
  if (typeof v === "string") return q ? quotedValue(v) : stringText(v);
  throw new Unsupported();
}

function stringText(s: string): string {
  if (OUTSIDE_SUBSET.test(s) || DOCUMENT_MARKER.test(s)) throw new Unsupported();
  if (!NEEDS_QUOTES.test(s) && !NON_STRING_TAGS.some((re) => re.test(s))) return s;
  // `yaml`'s quote choice: single quotes when only double quotes occur, else double quotes.
  if (s.includes('"') && !s.includes("'")) return `'${s}'`;
  return doubleQuoted(s);
}

function quotedValue(s: string): string {
  if (OUTSIDE_SUBSET.test(s) || DOCUMENT_MARKER.test(s)) throw new Unsupported();
  return doubleQuoted(s);
}

/** Double-quoted as `yaml` writes it; JSON escapes agree with YAML's for printable text. */
function doubleQuoted(s: string): string {
  if (!/^[\x20-\x7e\u00a1-\uffff]*$/u.test(s) || s.includes("\u00a0") || s.includes("\u0085")) throw new Unsupported();
  return JSON.stringify(s);
}
