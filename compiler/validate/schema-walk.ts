/**
 * Reading a zod schema the way a user reads the docs: which schema applies at a path of the
 * document (following discriminated unions by the data's own discriminator), which keys an
 * object allows (for "did you mean"), and where else a key would be allowed. The wording of
 * what a field expects lives in `describe-expected.ts`.
 *
 * zod 4 keeps each schema's definition in `_zod.def`; only the fields used here are typed.
 */
import type { z } from "zod";

export interface Def {
  readonly type: string;
  readonly innerType?: Schema;
  readonly getter?: () => Schema;
  readonly in?: Schema;
  readonly shape?: Record<string, Schema>;
  readonly valueType?: Schema;
  readonly keyType?: Schema;
  readonly element?: Schema;
  readonly items?: readonly Schema[];
  readonly options?: readonly Schema[];
  readonly discriminator?: string;
  readonly entries?: Record<string, string | number>;
  readonly values?: readonly unknown[];
  readonly checks?: readonly { readonly _zod: { readonly def: CheckDef } }[];
  readonly format?: string;
}
export interface CheckDef {
  readonly check: string;
  readonly value?: number;
  readonly inclusive?: boolean;
  readonly minimum?: number;
  readonly maximum?: number;
}
export type Schema = z.ZodType | { readonly _zod: { readonly def: Def } };

/** The definition zod keeps for a schema. */
export const defOf = (s: Schema): Def => (s as { _zod: { def: Def } })._zod.def;

/** Strips wrappers that do not change what a value must look like. */
export function unwrap(schema: Schema): Schema {
  let s = schema;
  for (let i = 0; i < 32; i++) {
    const d = defOf(s);
    if ((d.type === "optional" || d.type === "nullable" || d.type === "default" || d.type === "prefault" || d.type === "readonly" || d.type === "catch") && d.innerType) s = d.innerType;
    else if (d.type === "lazy" && d.getter) s = d.getter();
    else if (d.type === "pipe" && d.in) s = d.in;
    else break;
  }
  return s;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

/** Picks the option of a union that applies to `data` (by discriminator, else by shape). */
export function pickOption(schema: Schema, data: unknown): Schema | undefined {
  const d = defOf(schema);
  const options = d.options ?? [];
  if (d.discriminator && isObject(data)) {
    const want = data[d.discriminator];
    return options.find((o) => {
      const lit = defOf(unwrap(defOf(unwrap(o)).shape?.[d.discriminator!] ?? o));
      return lit.type === "literal" && (lit.values ?? []).includes(want);
    });
  }
  const kind = (o: Schema) => defOf(unwrap(o)).type;
  if (isObject(data)) return options.find((o) => ["object", "record"].includes(kind(o)));
  if (Array.isArray(data)) return options.find((o) => ["array", "tuple"].includes(kind(o)));
  return undefined;
}

/** The schema that applies at `path`, given the document value `root`; undefined if none. */
export function schemaAt(root: Schema, path: readonly PropertyKey[], data: unknown): Schema | undefined {
  let s: Schema | undefined = unwrap(root);
  let here: unknown = data;
  for (const seg of path) {
    if (!s) return undefined;
    s = unwrap(s);
    let d = defOf(s);
    if (d.type === "union") {
      const picked = pickOption(s, here);
      if (!picked) return undefined;
      s = unwrap(picked);
      d = defOf(s);
    }
    if (d.type === "object") s = d.shape?.[String(seg)];
    else if (d.type === "record") s = d.valueType;
    else if (d.type === "array") s = d.element;
    else if (d.type === "tuple") s = d.items?.[Number(seg)];
    else return undefined;
    here = isObject(here) || Array.isArray(here) ? (here as Record<string, unknown>)[String(seg)] : undefined;
  }
  return s ? unwrap(s) : undefined;
}

/** Keys an object schema (or the object option of a union, picked by `data`) allows. */
export function allowedKeys(schema: Schema | undefined, data: unknown): string[] {
  if (!schema) return [];
  let s = unwrap(schema);
  if (defOf(s).type === "union") s = unwrap(pickOption(s, data) ?? s);
  const d = defOf(s);
  if (d.type === "object") return Object.keys(d.shape ?? {});
  if (d.type === "record" && d.keyType) return enumValues(d.keyType) ?? [];
  return [];
}

/**
 * Where else in the schema `key` is allowed, as dotted parent paths (`*` for any record key,
 * `N` for list items): `serve` → ["steps"]. For hints when a key sits at the wrong level.
 */
export function keyHomes(root: Schema, key: string, maxDepth = 6): string[] {
  const homes = new Set<string>();
  const seen = new Set<Schema>();
  const walk = (schema: Schema, path: string[], depth: number) => {
    const s = unwrap(schema);
    if (depth > maxDepth || seen.has(s)) return;
    seen.add(s);
    const d = defOf(s);
    if (d.type === "object") {
      const shape = d.shape ?? {};
      if (Object.hasOwn(shape, key)) homes.add(path.join(".") || "the top level");
      for (const [k, child] of Object.entries(shape)) walk(child, [...path, k], depth + 1);
    } else if (d.type === "record" && d.valueType) walk(d.valueType, [...path, "*"], depth + 1);
    else if (d.type === "array" && d.element) walk(d.element, [...path, "N"], depth + 1);
    else if (d.type === "union") for (const o of d.options ?? []) walk(o, path, depth);
    seen.delete(s);
  };
  walk(root, [], 0);
  return [...homes].sort();
}

/** The allowed values when `schema` is an enum or a literal; undefined otherwise. */
export function enumValues(schema: Schema): string[] | undefined {
  const d = defOf(unwrap(schema));
  if (d.type === "enum") return Object.values(d.entries ?? {}).map(String);
  if (d.type === "literal") return (d.values ?? []).map(String);
  return undefined;
}
