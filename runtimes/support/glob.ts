/**
 * The one glob dialect of the spec language (mesh.yaml `projects:`, register column `map:`),
 * matched against a whole string, case-sensitively:
 *
 *   `*`            any run of characters except `/`
 *   `?`            one character except `/`
 *   `**`           any run of characters including `/`; as a whole segment (`a/**\/b`) it also matches no segment
 *   `[abc]` `[a-z]` `[!a]`   one character of (or not of) a class
 *   `\c`           the character c, literally
 *
 * Everything else is literal. The path-aware `*` is what file globs need; column values that
 * hold `/` are matched across it with `**`.
 */
const cache = new Map<string, RegExp>();

const escapeRegExp = (c: string) => c.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");

export function globToRegExp(glob: string): RegExp {
  const hit = cache.get(glob);
  if (hit) return hit;
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      const segment = (i === 0 || glob[i - 1] === "/") && glob[i + 2] === "/";
      re += segment ? "(?:[^/]+/)*" : ".*";
      i += segment ? 2 : 1;
    } else if (c === "*") re += "[^/]*";
    else if (c === "?") re += "[^/]";
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
  const compiled = new RegExp(`^${re}$`, "s");
  cache.set(glob, compiled);
  return compiled;
}

export const globMatch = (glob: string, value: string): boolean => globToRegExp(glob).test(value);

/** Whether a pattern has a `*` or `?` that stops at `/` (the case where it differs from a flat wildcard). */
export const hasSegmentWildcard = (glob: string): boolean => /(^|[^*\\])[*?]($|[^*])/.test(glob);
