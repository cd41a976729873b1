/** Column `map` patterns: the spec language's one glob dialect (runtimes/support/glob.ts). */
import { globMatch } from "../support/glob.js";

export { globMatch, globToRegExp } from "../support/glob.js";

/** Applies ordered glob → value pairs: the first match wins; no match keeps the value. */
export function applyMap(map: readonly (readonly [string, string])[], value: string): string {
  for (const [glob, out] of map) if (globMatch(glob, value)) return out;
  return value;
}
