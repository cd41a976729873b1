// Sentiment sentences labelled by the AFINN-165 lexicon: the sign of the summed valence of
// the rated words a sentence contains (negative < 0 < positive); no rated word → neutral;
// rated words summing to 0 → not used. Negation is not modelled ("not good" counts as good).
//
// Two sources, one rule:
//  - templates whose sentiment slots {R} take positive, negative or unrated words, so the
//    same frame appears under every label and only the words decide;
//  - real State of the Union sentences (5–25 words), labelled by the same rule.
//
// Held out, to measure more than memorisation: 20% of the templates (test "templates") and
// 15% of the rated and unrated words (test "words"); SOTU sentences are split by hash and
// those containing a held-out word stay out of training.
import { Rng, splitByHash } from "../lib/rng.mjs";
import { afinnWords, sotuSentences, stopWords, words } from "./corpora.mjs";

export const LABELS = ["negative", "neutral", "positive"];

const TEMPLATES = [
  "We {R} it, the {N} was {R} and {R}.",
  "It was {R}, {R} and {R}.",
  "The {N} was {R}.",
  "What a {R} {N}!",
  "My {N} is {R} today.",
  "{R}!",
  "It was a {R} day at the {N}.",
  "The {N} is on {D} at the {N}.",
  "We {R} the {N} and the {N}.",
  "Honestly, the {N} felt {R}.",
  "{R} {N}, {R} {N}.",
  "They said the {N} was {R} and {R}.",
  "Such a {R} experience with the {N}.",
  "I think the {N} is {R}.",
  "Everyone at the {N} was {R}.",
  "{D} was {R}.",
  "The new {N} looks {R}.",
  "I just {R} it.",
  "This {N} is so {R}!",
  "Our {N} was {R}, the {N} was {R}.",
  "The {N} and the {N} are {R}.",
  "You are {R}.",
  "A {R}, {R} {N}.",
  "The report on the {N} is due on {D}.",
  "We will meet at the {N} on {D}.",
  "Please send the {N} to the {N} by {D}.",
  "The {N} opens at nine on {D}.",
  "It is {R}, really {R}.",
  "Feeling {R} about the {N} this {D}.",
  "That {N} was {R} and the {N} was {R}.",
  "{R} and {R}.",
  "The {N} seems {R} to me.",
  "He called the {N} {R}.",
  "She found the {N} {R} and {R}.",
  "Why is the {N} so {R}?",
  "There is a {N} near the {N}.",
  "The {N} will be {R} on {D}.",
  "So {R}, so {R}, so {R}.",
  "The {N} moved to {D}.",
  "I have a {N} and a {N}.",
];
const TIMES = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday", "tomorrow", "tonight", "today", "noon", "January", "March", "June", "October", "December"];

function score(text, lexicon) {
  let sum = 0;
  let rated = 0;
  for (const w of words(text)) {
    if (lexicon.has(w)) {
      sum += lexicon.get(w);
      rated++;
    }
  }
  return { sum, rated };
}

function labelOf({ sum, rated }) {
  if (rated === 0) return 1;
  return sum > 0 ? 2 : sum < 0 ? 0 : null;
}

function capitalise(s) {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** One templated sentence for a wanted label, or null if the draw came out tied. */
function fromTemplate(rng, template, want, pools) {
  const polar = want === 2 ? pools.positive : want === 0 ? pools.negative : null;
  const opposite = want === 2 ? pools.negative : pools.positive;
  const slots = (template.match(/\{R\}/g) ?? []).length;
  // Which {R} slots carry the wanted polarity: at least one; others neutral or, rarely, opposite.
  const plan = Array.from({ length: slots }, () => (polar && rng.chance(0.75) ? "polar" : "neutral"));
  if (polar && slots > 0 && !plan.includes("polar")) plan[rng.int(slots)] = "polar";
  if (polar && slots > 1 && rng.chance(0.15)) plan[plan.indexOf("neutral") >= 0 ? plan.indexOf("neutral") : 0] = "opposite";
  let r = 0;
  let text = template.replace(/\{([RND])\}/g, (_, kind) => {
    if (kind === "D") return rng.pick(TIMES);
    if (kind === "N") return rng.pick(pools.neutral);
    const p = plan[r++];
    return rng.pick(p === "polar" ? polar : p === "opposite" ? opposite : pools.neutral);
  });
  if (rng.chance(0.1)) text = text.toLowerCase();
  else text = capitalise(text);
  return text;
}

function templated(rng, templates, pools, lexicon, n) {
  const out = [];
  while (out.length < n) {
    const want = out.length % 3; // balanced labels
    const template = rng.pick(templates);
    if (want !== 1 && !template.includes("{R}")) continue;
    const text = fromTemplate(rng, template, want, pools);
    const label = labelOf(score(text, lexicon));
    if (label !== null) out.push({ text, label });
  }
  return out;
}

/**
 * @param {{ train: number, test: number, sotuShare: number }} size
 * @returns {{ train, test: { templates, words, sotu } }} lists of { text, label }
 */
export function sentimentData(size) {
  const lexicon = afinnWords();
  const stop = stopWords();
  const sentences = sotuSentences();

  // SOTU word counts stand in for English word frequency: template slots take rated words
  // seen at least 3 times there (1,764 of AFINN's 3,349 single words: the ones people use,
  // "awful" included, "abhorrent" not) and unrated content words seen at least 100 times.
  // Fewer, commoner words let a 2-minute build see each one often enough to learn it.
  const freq = new Map();
  for (const s of sentences) for (const w of words(s)) freq.set(w, (freq.get(w) ?? 0) + 1);
  const common = (w, n) => (freq.get(w) ?? 0) >= n;
  const unrated = [...freq.keys()].filter((w) => common(w, 100) && w.length >= 3 && !lexicon.has(w) && !stop.has(w) && !w.includes("'")).sort();
  const rated = [...lexicon].filter(([w]) => common(w, 3));

  const [pos, posOut] = splitByHash(
    rated.filter(([, v]) => v > 0).map(([w]) => w),
    0.15,
    "sentiment-word",
  );
  const [neg, negOut] = splitByHash(
    rated.filter(([, v]) => v < 0).map(([w]) => w),
    0.15,
    "sentiment-word",
  );
  const [neu, neuOut] = splitByHash(unrated, 0.15, "sentiment-word");
  const [trainTemplates, testTemplates] = splitByHash(TEMPLATES, 0.2, "sentiment-template");
  const seen = { positive: pos, negative: neg, neutral: neu };
  const unseen = { positive: posOut, negative: negOut, neutral: neuOut };
  const heldOutWords = new Set([...posOut, ...negOut, ...neuOut]);

  // Real sentences: short ones, labelled by the lexicon, balanced by label.
  const real = { train: [[], [], []], test: [[], [], []] };
  const [realTrain, realTest] = splitByHash(
    sentences.filter((s) => {
      const n = words(s).length;
      return n >= 5 && n <= 25;
    }),
    0.1,
    "sentiment-sotu",
  );
  for (const [side, list] of [
    ["train", realTrain],
    ["test", realTest],
  ]) {
    for (const text of list) {
      if (side === "train" && words(text).some((w) => heldOutWords.has(w))) continue;
      const label = labelOf(score(text, lexicon));
      if (label !== null) real[side][label].push({ text, label });
    }
  }
  // Equal numbers per label (as many as the scarcest label has, at most n / 3 each).
  const takeBalanced = (rng, byLabel, n) => {
    const each = Math.min(Math.floor(n / 3), ...byLabel.map((list) => list.length));
    return byLabel.flatMap((list) => rng.shuffle([...list]).slice(0, each));
  };

  const rng = new Rng("sentiment/train");
  const realPart = takeBalanced(rng, real.train, Math.round(size.train * size.sotuShare));
  const train = rng.shuffle([...templated(rng, trainTemplates, seen, lexicon, size.train - realPart.length), ...realPart]);
  const testRng = new Rng("sentiment/test");
  return {
    train,
    test: {
      templates: templated(testRng, testTemplates, seen, lexicon, size.test),
      words: templated(testRng, trainTemplates, unseen, lexicon, size.test),
      sotu: takeBalanced(testRng, real.test, size.test),
    },
    heldOutWords,
  };
}
