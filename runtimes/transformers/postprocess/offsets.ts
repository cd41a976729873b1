/**
 * Character offsets in code points → offsets in UTF-16 code units.
 *
 * The `tokenizers` npm binding (like HF's Python one) reports offsets in Unicode code points,
 * while JavaScript strings index UTF-16 code units: after an emoji or any other astral
 * character the two differ. Everything in this folder takes UTF-16 offsets, so the server
 * converts once per encoding with this function.
 */

export type Span = readonly [number, number];

/**
 * Maps each [start, end) in code points of `text` to UTF-16 units. One pass over the text,
 * then a lookup per offset. An offset past the end of the text is an error: it would mean
 * the offsets belong to another string.
 */
export function codePointToUtf16Offsets(text: string, offsets: readonly Span[]): [number, number][] {
  // unitAt[k] = UTF-16 index of code point k; unitAt[codePointCount] = text.length.
  const unitAt: number[] = [];
  for (let i = 0; i < text.length; i++) {
    unitAt.push(i);
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const lo = text.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) i++;
    }
  }
  unitAt.push(text.length);
  const at = (k: number): number => {
    const u = unitAt[k];
    if (!Number.isInteger(k) || u === undefined) {
      throw new RangeError(`codePointToUtf16Offsets: offset ${k} is outside a text of ${unitAt.length - 1} code points`);
    }
    return u;
  };
  return offsets.map(([s, e]) => [at(s), at(e)]);
}
