/**
 * Token classification (NER) over ONE encoded sequence, with Hugging Face's
 * aggregation strategies (`none`, `simple`, `first`, `average`, `max`).
 *
 * Steps, as in HF's pipeline: softmax per token → drop special tokens → (first/average/max)
 * fuse sub-word tokens into words so a word cannot carry two labels → (all but none) BIO
 * grouping → drop entities whose label is in `ignoreLabels` (after grouping, so an `O`
 * still separates two entities).
 *
 * Deliberate differences from HF:
 * - `entity_text` is the exact substring `text.slice(start, end)`, where HF's `word` is the
 *   tokens decoded back to a string (lower-cased by uncased models, spaces normalised), so
 *   every span maps back to the caller's text.
 * - HF refuses first/average/max with a slow tokenizer (no offsets). Offsets are always
 *   present here, so those strategies always run.
 * - Scores are computed in float64 (HF: float32), so they agree to about 1e-7.
 */
import { groupEntities, type Labelled } from "./ner-group.js";
import type { Span } from "./offsets.js";
import { argmax, maxOf, nanmean, softmaxInto } from "./numeric.js";

export type Aggregation = "none" | "simple" | "first" | "average" | "max";

export const AGGREGATIONS: readonly Aggregation[] = ["none", "simple", "first", "average", "max"];

export interface TokenClassificationInput {
  /** The text that was encoded; offsets index it. */
  readonly text: string;
  /** T × numLabels logits, row-major (one row per token, special tokens included). */
  readonly logits: ArrayLike<number>;
  readonly numLabels: number;
  /** Label of each logit column (the config's id2label in id order). */
  readonly id2label: readonly string[];
  /** Token strings as the vocabulary spells them (`##s`, `▁New`, `Ġyork`). */
  readonly tokens: readonly string[];
  /** [start, end) of each token in `text`, in UTF-16 units (see offsets.ts); special tokens have [0, 0]. */
  readonly offsets: readonly Span[];
  /** Special-tokens mask: true for [CLS], [SEP], <s>, padding… */
  readonly special: readonly boolean[];
  /**
   * The tokenizer model's `continuing_subword_prefix` (`##` for WordPiece), undefined when it
   * has none (most BPE and Unigram models). It decides how sub-words are detected.
   */
  readonly continuingSubwordPrefix?: string | undefined;
  /** The unknown token (`[UNK]`): HF never treats it as a sub-word. */
  readonly unkToken?: string | undefined;
  readonly aggregation: Aggregation;
  /** Labels (aggregation none) or entity types (otherwise) to drop; default ["O"]. */
  readonly ignoreLabels?: readonly string[] | undefined;
}

export interface NerEntity {
  /** The raw label (`B-PER`) for aggregation none, else the type without prefix (`PER`). */
  readonly entity_type: string;
  /** `text.slice(start, end)`. */
  readonly entity_text: string;
  readonly score: number;
  readonly start: number;
  readonly end: number;
  /** Position of the token in the encoded sequence (special tokens counted); aggregation none only. */
  readonly index?: number;
}

interface PreEntity {
  readonly index: number;
  readonly scores: Float64Array;
  readonly start: number;
  readonly end: number;
  readonly isSubword: boolean;
}

const codePoints = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

/**
 * HF's sub-word test. With a continuing-subword prefix the token is a sub-word when its
 * string and the text under its offsets differ in length (`##s` vs `s`); lengths are counted
 * in code points, as Python counts them. Without one, HF's fallback: the token is a sub-word
 * when it does not start the text and neither the character before it nor its first
 * character is a space (checking both covers tokenizers whose offsets include the space).
 */
function isSubword(input: TokenClassificationInput, i: number, start: number, end: number): boolean {
  const token = input.tokens[i]!;
  if (input.unkToken !== undefined && token === input.unkToken) return false;
  // An empty prefix counts as none, as Python's truthiness test in HF does.
  if (input.continuingSubwordPrefix) return codePoints(token) !== codePoints(input.text.slice(start, end));
  return start > 0 && !input.text.slice(start - 1, start + 1).includes(" ");
}

function validate(input: TokenClassificationInput): number {
  const { text, logits, numLabels, id2label, tokens, offsets, special } = input;
  if (!Number.isInteger(numLabels) || numLabels < 1 || id2label.length !== numLabels) {
    throw new RangeError(`tokenClassification: numLabels ${numLabels} with ${id2label.length} labels in id2label`);
  }
  const t = logits.length / numLabels;
  if (!Number.isInteger(t) || tokens.length !== t || offsets.length !== t || special.length !== t) {
    throw new RangeError(`tokenClassification: ${logits.length} logits for ${numLabels} labels, ${tokens.length} tokens, ${offsets.length} offsets, ${special.length} mask entries`);
  }
  offsets.forEach(([s, e], i) => {
    if (!special[i] && !(Number.isInteger(s) && Number.isInteger(e) && 0 <= s && s <= e && e <= text.length)) {
      throw new RangeError(`tokenClassification: token ${i} has offsets [${s}, ${e}] outside a text of ${text.length} units`);
    }
  });
  return t;
}

function gather(input: TokenClassificationInput, t: number): PreEntity[] {
  const out: PreEntity[] = [];
  for (let i = 0; i < t; i++) {
    if (input.special[i]) continue;
    const [start, end] = input.offsets[i]!;
    const scores = softmaxInto(input.logits, i * input.numLabels, input.numLabels, new Float64Array(input.numLabels));
    out.push({ index: i, scores, start, end, isSubword: isSubword(input, i, start, end) });
  }
  return out;
}

/** One word's label and score from its tokens (HF's `aggregate_word`). */
function aggregateWord(tokens: readonly PreEntity[], how: "first" | "average" | "max", id2label: readonly string[]): Labelled {
  let scores: Float64Array;
  if (how === "first") {
    scores = tokens[0]!.scores;
  } else if (how === "max") {
    // The token whose best score is highest (the first such token on a tie), then its argmax.
    let best = tokens[0]!;
    for (const tok of tokens) if (maxOf(tok.scores) > maxOf(best.scores)) best = tok;
    scores = best.scores;
  } else {
    // Per-label mean over the word's tokens, then its argmax (NaN-skipping, as nanmean).
    scores = Float64Array.from(id2label, (_, c) => nanmean(tokens.map((tok) => tok.scores[c]!)));
  }
  const k = argmax(scores);
  return { label: id2label[k]!, score: scores[k]!, start: tokens[0]!.start, end: tokens[tokens.length - 1]!.end };
}

/** Sub-word tokens joined to the word they continue (HF's `aggregate_words`); a leading sub-word starts a word. */
function aggregateWords(pre: readonly PreEntity[], how: "first" | "average" | "max", id2label: readonly string[]): Labelled[] {
  const words: Labelled[] = [];
  let word: PreEntity[] = [];
  for (const p of pre) {
    if (word.length > 0 && !p.isSubword) {
      words.push(aggregateWord(word, how, id2label));
      word = [];
    }
    word.push(p);
  }
  if (word.length > 0) words.push(aggregateWord(word, how, id2label));
  return words;
}

/** Entities of one encoded sequence; see the module comment for the rules. */
export function tokenClassification(input: TokenClassificationInput): NerEntity[] {
  const t = validate(input);
  const ignore = new Set(input.ignoreLabels ?? ["O"]);
  const { text, id2label, aggregation } = input;
  const pre = gather(input, t);

  if (aggregation === "none" || aggregation === "simple") {
    const tokens = pre.map((p) => {
      const k = argmax(p.scores);
      return { index: p.index, label: id2label[k]!, score: p.scores[k]!, start: p.start, end: p.end };
    });
    if (aggregation === "none") {
      return tokens
        .filter((tok) => !ignore.has(tok.label))
        .map((tok) => ({ entity_type: tok.label, entity_text: text.slice(tok.start, tok.end), score: tok.score, start: tok.start, end: tok.end, index: tok.index }));
    }
    return toEntities(groupEntities(tokens), ignore, text);
  }
  if (aggregation === "first" || aggregation === "average" || aggregation === "max") {
    return toEntities(groupEntities(aggregateWords(pre, aggregation, id2label)), ignore, text);
  }
  throw new RangeError(`tokenClassification: unknown aggregation ${JSON.stringify(aggregation)}`);
}

function toEntities(groups: ReturnType<typeof groupEntities>, ignore: ReadonlySet<string>, text: string): NerEntity[] {
  return groups.filter((g) => !ignore.has(g.type)).map((g) => ({ entity_type: g.type, entity_text: text.slice(g.start, g.end), score: g.score, start: g.start, end: g.end }));
}
