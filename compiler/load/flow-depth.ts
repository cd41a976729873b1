/**
 * A pre-parse guard: the YAML parser recurses once per nested flow collection (`[`, `{`),
 * and 20,000 opening brackets exhaust the stack. Usually that surfaces as a RangeError we
 * turn into a diagnostic, but when the overflow happens while V8 compiles a regular
 * expression it aborts the whole process instead ("RegExpCompiler Allocation failed").
 * So flow nesting is measured with a linear scan before the parser ever sees the text.
 */

/** Offset of the first bracket that opens level `max + 1`, or -1 when nesting stays within `max`. */
export function flowDepthExceeded(text: string, max: number): number {
  let depth = 0;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote === '"') {
      if (c === "\\") i++;
      else if (c === '"') quote = undefined;
      continue;
    }
    if (quote === "'") {
      if (c === "'") {
        if (text[i + 1] === "'")
          i++; // '' is an escaped quote
        else quote = undefined;
      }
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === "#" && (i === 0 || /\s/.test(text[i - 1]!))) {
      const end = text.indexOf("\n", i);
      if (end < 0) break;
      i = end;
    } else if (c === "[" || c === "{") {
      if (++depth > max) return i;
    } else if ((c === "]" || c === "}") && depth > 0) depth--;
  }
  return -1;
}
