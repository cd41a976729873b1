/**
 * Every problem at once, without consequential noise. When the schema refuses parts of a spec,
 * the cross-field rules still run — on the spec with its invalid parts removed — and a rule's
 * findings are kept only when the rule read nothing that removal could have changed:
 *
 *   salvageSpec   removes what the schema refused (an invalid value; the object holding a
 *                 missing required field; a whole list when one of its items must go, so no
 *                 index shifts) until the rest parses, and records what it removed;
 *   watchReads    wraps the parsed spec in a read-only view that notes when a rule reads a
 *                 removed value (or its default), asks whether an object that lost a key holds
 *                 some key, or lists such an object's keys. An unknown key counts as a loss too:
 *                 `trainr:` is probably the `train:` a rule would miss.
 *
 * A rule that read nothing removed would say the same about the spec the user meant.
 */
import type { z } from "zod";

type Path = readonly PropertyKey[];
type Issue = z.core.$ZodIssue;

export interface Salvaged<T> {
  /** The spec with every refused part removed, parsed (defaults filled in). */
  readonly value: T;
  /** Paths of the values removed. */
  readonly removed: readonly Path[];
  /** Paths of the objects that lost a key (a removed value or an unknown key). */
  readonly incomplete: readonly Path[];
}

/** Rounds of remove-and-parse; each round removes at least one node, so the document bounds it too. */
const MAX_ROUNDS = 16;

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object";
const key = (path: Path) => JSON.stringify(path.map(String));

function valueAt(root: unknown, path: Path): unknown {
  let v = root;
  for (const seg of path) {
    if (!isObject(v) || !Object.hasOwn(v, String(seg))) return undefined;
    v = (v as Record<string, unknown>)[String(seg)];
  }
  return v;
}

function has(root: unknown, path: Path): boolean {
  if (path.length === 0) return true;
  const parent = valueAt(root, path.slice(0, -1));
  return isObject(parent) && Object.hasOwn(parent, String(path.at(-1)));
}

/**
 * The node to remove for one issue: the value the issue is about, or the object lacking a
 * required field, raised to the enclosing list when it is a list item. Undefined: the root.
 */
function removalTarget(root: unknown, issue: Issue): Path | undefined {
  let path: Path = issue.path;
  // A missing value cannot be removed: the object that needs it goes instead.
  while (path.length > 0 && !has(root, path)) path = path.slice(0, -1);
  for (let i = 0; i < path.length; i++) {
    if (Array.isArray(valueAt(root, path.slice(0, i)))) {
      // An item of a list: removing it would shift the positions of the items after it.
      if (i === path.length - 1) path = path.slice(0, i);
      break;
    }
  }
  return path.length === 0 ? undefined : path;
}

function remove(root: unknown, path: Path): void {
  const parent = valueAt(root, path.slice(0, -1));
  if (isObject(parent)) delete (parent as Record<string, unknown>)[String(path.at(-1))];
}

/**
 * Removes what `schema` refuses from `value` until the rest parses. Undefined when the
 * document itself would have to go (e.g. a required top-level field is invalid).
 */
export function salvageSpec<S extends z.ZodType>(value: unknown, schema: S, issues: readonly Issue[]): Salvaged<z.infer<S>> | undefined {
  const doc: unknown = structuredClone(value);
  const removed = new Map<string, Path>();
  const incomplete = new Map<string, Path>();
  let pending = issues;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    for (const issue of pending) {
      if (issue.code === "unrecognized_keys") {
        for (const k of issue.keys) {
          const path = [...issue.path, k];
          remove(doc, path);
          incomplete.set(key(issue.path), issue.path);
        }
        continue;
      }
      const target = removalTarget(doc, issue);
      if (!target) return undefined;
      remove(doc, target);
      removed.set(key(target), target);
      incomplete.set(key(target.slice(0, -1)), target.slice(0, -1));
    }
    const parsed = schema.safeParse(doc);
    if (parsed.success) return { value: parsed.data as z.infer<S>, removed: [...removed.values()], incomplete: [...incomplete.values()] };
    pending = parsed.error.issues;
  }
  return undefined;
}

/** A view of a salvaged value that records whether a reader depended on what was removed. */
export interface WatchedValue<T> {
  readonly value: T;
  /** True when the view was read where removal could have changed the answer. */
  touched(): boolean;
}

/**
 * Wraps `salvaged.value`: reading a removed path (or below it), asking an incomplete object for
 * a key it lacks, or listing an incomplete object's keys marks the view as touched. Reading
 * anything else does not. The view is read-only; writes throw.
 */
export function watchReads<T>(salvaged: Salvaged<T>): WatchedValue<T> {
  const removed = new Set(salvaged.removed.map(key));
  const incomplete = new Set(salvaged.incomplete.map(key));
  let touched = false;
  const views = new WeakMap<object, object>();
  const wrap = (target: unknown, path: Path): unknown => {
    if (!isObject(target)) return target;
    const known = views.get(target);
    if (known) return known;
    const lacks = incomplete.has(key(path));
    const note = (prop: PropertyKey) => {
      if (typeof prop === "symbol") return;
      const child = [...path, prop];
      if (removed.has(key(child)) || (lacks && !Object.hasOwn(target, prop))) touched = true;
    };
    const view = new Proxy(target, {
      get(t, prop, receiver) {
        note(prop);
        const v = Reflect.get(t, prop, receiver);
        return typeof prop === "symbol" ? v : wrap(v, [...path, prop]);
      },
      has(t, prop) {
        note(prop);
        return Reflect.has(t, prop);
      },
      getOwnPropertyDescriptor(t, prop) {
        note(prop);
        return Reflect.getOwnPropertyDescriptor(t, prop);
      },
      ownKeys(t) {
        if (lacks) touched = true;
        return Reflect.ownKeys(t);
      },
      set() {
        throw new TypeError("a rule must not change the spec");
      },
      deleteProperty() {
        throw new TypeError("a rule must not change the spec");
      },
      defineProperty() {
        throw new TypeError("a rule must not change the spec");
      },
    });
    views.set(target, view);
    return view;
  };
  return { value: wrap(salvaged.value, []) as T, touched: () => touched };
}
