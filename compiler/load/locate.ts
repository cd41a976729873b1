/**
 * Maps a path into a document's value (`["steps", "serve", "port"]`) back to a position in
 * the YAML text, the way TypeSpec walks schema errors back to its source. A path that ends
 * in a missing key resolves to the nearest node that exists, so every diagnostic has a
 * line and a column.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, type Node, type Pair } from "yaml";
import type { LoadedYaml } from "./loaded-yaml.js";
import type { DiagnosticLocation } from "../diagnostics/registry.js";
import { dottedPath } from "../diagnostics/registry.js";

/** Which node to point at when the path exists: the key of the last pair, or its value. */
export type Anchor = "key" | "value";

/** The location of `path` in `loaded`; `anchor: "key"` points at the key (unknown keys). */
export function locate(loaded: LoadedYaml, path: readonly PropertyKey[], anchor: Anchor = "value"): DiagnosticLocation {
  const { doc, lineCounter, file } = loaded;
  let node: unknown = doc.contents;
  let lastPair: Pair | undefined;
  let offset = rangeStart(node) ?? 0;
  let found = true;
  for (const seg of path) {
    node = deref(loaded, node);
    let next: unknown;
    let pair: Pair | undefined;
    if (isMap(node)) {
      pair = node.items.find((p) => isPair(p) && keyText(p.key) === String(seg));
    } else if (isSeq(node) && typeof seg === "number") {
      next = node.items[seg];
    }
    if (pair) next = pair.value;
    if (!pair && next === undefined) {
      found = false;
      break;
    }
    lastPair = pair;
    // `key:` with nothing after it holds an empty scalar positioned at the line's end: use the key.
    const valueStart = isEmptyScalar(next) ? undefined : rangeStart(next);
    const keyStart = pair ? rangeStart(pair.key) : undefined;
    offset = (anchor === "key" ? keyStart : undefined) ?? valueStart ?? keyStart ?? offset;
    node = next;
  }
  // Missing path: point at the key of the deepest pair that exists (e.g. `steps:`), which is
  // where the user would add the missing field.
  if (!found && lastPair) offset = rangeStart(lastPair.key) ?? offset;
  const { line, col } = lineCounter.linePos(offset);
  return { file, line, column: col, path: dottedPath(path) };
}

function deref(loaded: LoadedYaml, node: unknown): unknown {
  // Bounded: aliases cannot be cyclic in a parsed document, but stay defensive.
  for (let i = 0; i < 8 && isAlias(node); i++) node = node.resolve(loaded.doc);
  return node;
}

function keyText(key: unknown): string | undefined {
  if (isScalar(key)) return String(key.value);
  return undefined;
}

function isEmptyScalar(node: unknown): boolean {
  return isScalar(node) && node.value === null && !node.source;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return Array.isArray(range) ? range[0] : undefined;
}
