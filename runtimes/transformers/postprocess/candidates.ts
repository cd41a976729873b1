/**
 * Candidate keyphrases for KeyBERT, as sklearn's CountVectorizer produces them with the
 * settings KeyBERT passes (`ngram_range`, `stop_words`, `min_df`, `vocabulary=candidates`).
 *
 * Per document: lower-case → tokens = `(?u)\b\w\w+\b` (two or more word characters) →
 * stop words removed (before n-grams are formed, so "state of art" cannot come from "state
 * of the art") → every n-gram of the remaining tokens for n in the range, joined by one space.
 * ONE vocabulary is fitted over all documents of the call, so `minDf` counts documents; its
 * terms are sorted by code point (Python's string order). Each document's candidates are
 * the vocabulary terms it contains, in vocabulary order — the order KeyBERT ranks them in.
 * With `vocabulary` given, it is the vocabulary as is: its order is kept, `minDf` does not
 * apply, and a term can only match what the analyser produces (lower-case, one space, an
 * n-gram length in range).
 *
 * Python's `\w` is a letter, a number or `_` (combining marks are not word characters); the
 * JavaScript class below is that set exactly, up to the Unicode versions of the two engines.
 *
 * Differences from KeyBERT, on purpose:
 * - `maxCandidates` bounds each document's list (the server embeds every candidate). A
 *   document with more keeps those it contains most often, ties to the earlier vocabulary
 *   term, still in vocabulary order; `truncated` says so.
 * - Where sklearn raises (empty vocabulary, nothing left after min_df) KeyBERT answers no
 *   keywords for the whole call; here every document gets an empty list. Invalid options
 *   (a bad n-gram range, a duplicate vocabulary term) throw RangeError instead of answering [].
 * - `minDf` below 1 and not 0 is a proportion of the documents, as sklearn's float min_df;
 *   an integer counts documents. JavaScript cannot tell 1 from 1.0: 1 means one document.
 */

export const DEFAULT_MAX_CANDIDATES = 1000;

export interface CandidateOptions {
  readonly ngramRange: readonly [number, number];
  /** Tokens to remove (compared after lower-casing); null keeps every token. */
  readonly stopWords: ReadonlySet<string> | null;
  readonly minDf: number;
  /** Default true, as CountVectorizer. */
  readonly lowercase?: boolean;
  /** KeyBERT's `candidates`: the fixed vocabulary to look for. */
  readonly vocabulary?: readonly string[];
  /** Most candidates per document (default DEFAULT_MAX_CANDIDATES). */
  readonly maxCandidates?: number;
}

export interface CandidateSet {
  /** Every term some document keeps, in vocabulary order: embed each once. */
  readonly phrases: readonly string[];
  /** Per document, indices into `phrases`, ascending. */
  readonly perDocument: readonly (readonly number[])[];
  /** Per document, whether `maxCandidates` dropped terms it contains. */
  readonly truncated: readonly boolean[];
}

const TOKEN = /(?<![\p{L}\p{N}_])[\p{L}\p{N}_]{2,}(?![\p{L}\p{N}_])/gu;

/** Orders strings by code point, as Python does (JavaScript's `<` compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // At the first difference, move surrogates above the rest of the BMP (E000–FFFF).
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/** The analyser: a document's terms (tokens and n-grams), repeated as often as they occur. Options unchecked (candidateKeyphrases checks them). */
export function analyze(doc: string, options: Pick<CandidateOptions, "ngramRange" | "stopWords" | "lowercase">): string[] {
  const [minN, maxN] = options.ngramRange;
  const text = options.lowercase === false ? doc : doc.toLowerCase();
  const stop = options.stopWords;
  const tokens = (text.match(TOKEN) ?? []).filter((t) => stop === null || !stop.has(t));
  const terms: string[] = [];
  for (let n = minN; n <= Math.min(maxN, tokens.length); n++) {
    for (let i = 0; i + n <= tokens.length; i++) terms.push(n === 1 ? tokens[i]! : tokens.slice(i, i + n).join(" "));
  }
  return terms;
}

function validate(options: CandidateOptions): number {
  const [minN, maxN] = options.ngramRange;
  if (!Number.isInteger(minN) || !Number.isInteger(maxN) || minN < 1 || maxN < minN) {
    throw new RangeError(`candidateKeyphrases: ngramRange must be integers 1 ≤ min ≤ max, got [${minN}, ${maxN}]`);
  }
  if (!(options.minDf >= 0) || (options.minDf > 1 && !Number.isInteger(options.minDf))) {
    throw new RangeError(`candidateKeyphrases: minDf must be a count or a proportion below 1, got ${options.minDf}`);
  }
  const max = options.maxCandidates ?? DEFAULT_MAX_CANDIDATES;
  if (!Number.isInteger(max) || max < 1) throw new RangeError(`candidateKeyphrases: maxCandidates must be a positive integer, got ${max}`);
  return max;
}

/** Term → column, from the fixed vocabulary or fitted on the documents' counts. */
function vocabularyOf(counts: readonly Map<string, number>[], options: CandidateOptions): Map<string, number> {
  if (options.vocabulary) {
    const fixed = new Map<string, number>();
    for (const term of options.vocabulary) {
      if (fixed.has(term)) throw new RangeError(`candidateKeyphrases: duplicate term in vocabulary: ${JSON.stringify(term)}`);
      fixed.set(term, fixed.size);
    }
    return fixed;
  }
  const df = new Map<string, number>();
  for (const c of counts) for (const term of c.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  const minDocs = Number.isInteger(options.minDf) ? options.minDf : options.minDf * counts.length;
  const kept = [...df].filter(([, n]) => n >= minDocs).map(([term]) => term);
  kept.sort(compareCodePoints);
  return new Map(kept.map((term, i) => [term, i]));
}

/** Per-document candidates over one vocabulary fitted on all of `docs`; see the module comment. */
export function candidateKeyphrases(docs: readonly string[], options: CandidateOptions): CandidateSet {
  const maxCandidates = validate(options);
  const counts = docs.map((doc) => {
    const c = new Map<string, number>();
    for (const term of analyze(doc, options)) c.set(term, (c.get(term) ?? 0) + 1);
    return c;
  });
  const vocab = vocabularyOf(counts, options);
  const terms = [...vocab.keys()]; // column → term (maps iterate in insertion order, which is column order)

  const truncated: boolean[] = [];
  const kept = counts.map((c) => {
    let cols: number[] = [];
    for (const [term, n] of c) {
      const col = vocab.get(term);
      if (col !== undefined && n > 0) cols.push(col);
    }
    truncated.push(cols.length > maxCandidates);
    if (cols.length > maxCandidates) {
      cols.sort((x, y) => c.get(terms[y]!)! - c.get(terms[x]!)! || x - y);
      cols = cols.slice(0, maxCandidates);
    }
    return cols.sort((x, y) => x - y);
  });

  // Keep only the columns some document kept, renumbered in vocabulary order.
  const used = [...new Set(kept.flat())].sort((x, y) => x - y);
  const renumber = new Map(used.map((col, i) => [col, i]));
  return {
    phrases: used.map((col) => terms[col]!),
    perDocument: kept.map((cols) => cols.map((col) => renumber.get(col)!)),
    truncated,
  };
}
