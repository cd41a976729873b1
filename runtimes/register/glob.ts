/**
 * Globs for column `map` patterns: `*` any run of characters, `?` one character, `[abc]`
 * / `[a-z]` / `[!a]` a class, `\` escapes; everything else literal. Whole-string match,
 * case-sensitive. Compiled once per pattern.
 */
const cache = new Map<string, RegExp>();

export function globToRegExp(glob: string): RegExp {
  let hit = cache.get(glob);
  if (hit) return hit;
  let re = "^";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "\\" && i + 1 < glob.length) re += escapeRegExp(glob[++i]!);
    else if (c === "[") {
      const close = glob.indexOf("]", i + 2);
      if (close < 0) re += "\\[";
      else {
        let body = glob.slice(i + 1, close);
        const negate = body.startsWith("!");
        if (negate) body = body.slice(1);
        re += `[${negate ? "^" : ""}${body.replace(/[\\\]^]/g, "\\$&")}]`;
        i = close;
      }
    } else re += escapeRegExp(c);
  }
  hit = new RegExp(`${re}$`, "s");
  cache.set(glob, hit);
  return hit;
}

const escapeRegExp = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

export const globMatch = (glob: string, value: string) => globToRegExp(glob).test(value);

/** Applies ordered glob → value pairs: the first match wins; no match keeps the value. */
export function applyMap(map: readonly (readonly [string, string])[], value: string): string {
  for (const [glob, out] of map) if (globMatch(glob, value)) return out;
  return value;
}
