/**
 * Hashed word n-grams: the text featurizer shared by the trainer and the server, so the two
 * can never disagree. The Python twin (generated for the Neuron server) must give identical
 * vectors; the lifecycle tests pin shared test vectors for both (test/runtimes/features/features.test.ts).
 *
 * text → (truncate to maxChars) → (lowercase) → tokens = maximal runs of Unicode letters or
 * digits → n-grams joined by one space → FNV-1a 32-bit over UTF-8 → bucket = hash mod dims
 * → counts → L2-normalised.
 */

const TOKEN = /[\p{L}\p{N}]+/gu;

const FNV_OFFSET = 0x811c9dc5;

/** FNV-1a (32-bit) over the UTF-8 encoding of `s`, without allocating the bytes. */
export function fnv1aUtf8(s: string): number {
  return fnv1aUtf8From(FNV_OFFSET, s);
}

/**
 * Continues an FNV-1a state over more UTF-8 text: fnv1aUtf8From(fnv1aUtf8(a), b) equals
 * fnv1aUtf8(a + b). N-grams are hashed this way without building the joined string.
 */
export function fnv1aUtf8From(state: number, s: string): number {
  let h = state;
  for (let i = 0; i < s.length; i++) {
    let c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const lo = s.charCodeAt(i + 1);
      if (lo >= 0xdc00 && lo <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (lo - 0xdc00);
        i++;
      }
    }
    if (c < 0x80) {
      h = Math.imul(h ^ c, 0x01000193);
    } else if (c < 0x800) {
      h = Math.imul(h ^ (0xc0 | (c >> 6)), 0x01000193);
      h = Math.imul(h ^ (0x80 | (c & 0x3f)), 0x01000193);
    } else if (c < 0x10000) {
      h = Math.imul(h ^ (0xe0 | (c >> 12)), 0x01000193);
      h = Math.imul(h ^ (0x80 | ((c >> 6) & 0x3f)), 0x01000193);
      h = Math.imul(h ^ (0x80 | (c & 0x3f)), 0x01000193);
    } else {
      h = Math.imul(h ^ (0xf0 | (c >> 18)), 0x01000193);
      h = Math.imul(h ^ (0x80 | ((c >> 12) & 0x3f)), 0x01000193);
      h = Math.imul(h ^ (0x80 | ((c >> 6) & 0x3f)), 0x01000193);
      h = Math.imul(h ^ (0x80 | (c & 0x3f)), 0x01000193);
    }
  }
  return h >>> 0;
}

export interface HashedNgramsOptions {
  readonly dims: number;
  readonly ngrams: readonly [number, number];
  readonly lowercase: boolean;
  readonly maxChars: number;
}

export function tokenize(text: string, opts: Pick<HashedNgramsOptions, "lowercase" | "maxChars">): string[] {
  let t = text.length > opts.maxChars ? text.slice(0, opts.maxChars) : text;
  if (opts.lowercase) t = t.toLowerCase();
  return t.match(TOKEN) ?? [];
}

const SPACE = 0x20;

/** Writes the feature row of `text` into `out[offset … offset+dims)`, which must be zeroed. */
export function encodeHashedNgrams(text: string, opts: HashedNgramsOptions, out: Float32Array, offset: number): void {
  const tokens = tokenize(text, opts);
  const [lo, hi] = opts.ngrams;
  // Hash of each token once; an n-gram continues the state of its first token over
  // " " + next token, which is the hash of the space-joined n-gram (no string built).
  const heads = tokens.map((t) => fnv1aUtf8From(FNV_OFFSET, t));
  // Buckets touched, so normalising costs O(distinct n-grams), not O(dims).
  const touched: number[] = [];
  for (let n = lo; n <= hi; n++) {
    for (let i = 0; i + n <= tokens.length; i++) {
      let h = heads[i]!;
      for (let k = 1; k < n; k++) h = fnv1aUtf8From(Math.imul(h ^ SPACE, 0x01000193), tokens[i + k]!);
      const j = offset + ((h >>> 0) % opts.dims);
      if (out[j] === 0) touched.push(j);
      out[j]! += 1;
    }
  }
  // Ascending order, as a dense loop would sum: the same float result to the last bit.
  // (A typed-array sort is numeric and native: far cheaper than a comparator.)
  const order = Int32Array.from(touched).sort();
  let sq = 0;
  for (const j of order) sq += out[j]! * out[j]!;
  if (sq > 0) {
    const inv = 1 / Math.sqrt(sq);
    for (const j of order) out[j]! *= inv;
  }
}
