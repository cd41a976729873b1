/**
 * Sentence splitting for long NER documents: each sentence is encoded on its own (so no
 * sentence is cut by the model's maximum length mid-document), and its entities are moved
 * back to document offsets with `rebaseEntities`.
 *
 * Sentences come from ICU's sentence segmentation (`Intl.Segmenter`, built into Node). The
 * locale is fixed ("en" unless asked) because the process default locale varies between
 * machines and would make the split — and so the entities — depend on the host.
 */

export interface Sentence {
  /** `document.slice(start, end)`, with no leading or trailing white space. */
  readonly text: string;
  /** UTF-16 offsets into the document. */
  readonly start: number;
  readonly end: number;
  /** Position in the returned list. */
  readonly index: number;
}

export interface SplitOptions {
  /**
   * Pieces longer than this (UTF-16 units) are cut again: at the last white space that keeps
   * the piece within the limit, or hard at the limit when a run has no white space (never
   * inside a surrogate pair). Default: no limit. Bounds tokenizer work for text without
   * sentence punctuation.
   */
  readonly maxChars?: number;
  readonly locale?: string;
}

const SPACE = /\s/;

const segmenters = new Map<string, Intl.Segmenter>();

function segmenter(locale: string): Intl.Segmenter {
  let s = segmenters.get(locale);
  if (s === undefined) segmenters.set(locale, (s = new Intl.Segmenter(locale, { granularity: "sentence" })));
  return s;
}

const isHighSurrogate = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;

/** [start, end) narrowed to exclude white space at both ends; null when nothing else is left. */
function trim(text: string, start: number, end: number): [number, number] | null {
  let s = start;
  let e = end;
  while (s < e && SPACE.test(text[s]!)) s++;
  while (e > s && SPACE.test(text[e - 1]!)) e--;
  return s < e ? [s, e] : null;
}

/** Cuts a trimmed piece into parts of at most `max` units. */
function cut(text: string, start: number, end: number, max: number, out: [number, number][]): void {
  let s = start;
  while (end - s > max) {
    let e = s + max;
    let space = e;
    while (space > s && !SPACE.test(text[space]!)) space--;
    if (space > s) e = space;
    else if (isHighSurrogate(text.charCodeAt(e - 1)) && e - 1 > s) e--;
    const part = trim(text, s, e);
    if (part) out.push(part);
    const next = trim(text, e, end);
    if (!next) return;
    s = next[0];
  }
  out.push([s, end]);
}

/** Sentences of `text`, white-space-only pieces dropped, offsets exact. */
export function splitSentences(text: string, options: SplitOptions = {}): Sentence[] {
  const max = options.maxChars ?? Infinity;
  if (!(max >= 2)) throw new RangeError(`splitSentences: maxChars must be at least 2, got ${max}`);
  const spans: [number, number][] = [];
  for (const { segment, index } of segmenter(options.locale ?? "en").segment(text)) {
    const piece = trim(text, index, index + segment.length);
    if (piece) cut(text, piece[0], piece[1], max, spans);
  }
  return spans.map(([start, end], index) => ({ text: text.slice(start, end), start, end, index }));
}

/**
 * Entities found in sentence `sentenceIndex` (offsets relative to the sentence), moved to
 * document offsets. `entity_text` is unchanged: the sentence is a slice of the document.
 */
export function rebaseEntities<E extends { readonly start: number; readonly end: number }>(
  entities: readonly E[],
  sentenceStart: number,
  sentenceIndex: number,
): (E & { readonly sentence_index: number })[] {
  return entities.map((e) => ({ ...e, start: e.start + sentenceStart, end: e.end + sentenceStart, sentence_index: sentenceIndex }));
}
