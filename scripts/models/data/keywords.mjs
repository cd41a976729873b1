// Documents and their key words for the keyword-embedding model. A document is a run of 2–3
// consecutive State of the Union sentences (at most 40 words); its candidate words are its
// distinct content words (alphabetic, 3+ letters, not English stop words), and its key words
// the 3 candidates with the highest TF-IDF (IDF over the training documents). Ten per cent of
// the documents, chosen by hash, are held out.
import { splitByHash } from "../lib/rng.mjs";
import { sotuSentences, stopWords, words } from "./corpora.mjs";

const MAX_WORDS = 40;
export const KEYS_PER_DOC = 3;

function documents() {
  const sentences = sotuSentences();
  const docs = [];
  let current = [];
  let count = 0;
  for (const s of sentences) {
    const n = s.split(" ").length;
    if (n > MAX_WORDS) continue;
    if (count + n > MAX_WORDS || current.length === 3) {
      if (current.length >= 2) docs.push(current.join(" "));
      current = [];
      count = 0;
    }
    current.push(s);
    count += n;
  }
  if (current.length >= 2) docs.push(current.join(" "));
  return [...new Set(docs)];
}

export function keywordData() {
  const stop = stopWords();
  const content = (text) => words(text).filter((w) => w.length >= 3 && !stop.has(w) && /^[a-z]+$/.test(w));
  const [train, test] = splitByHash(documents(), 0.1, "keywords-doc");
  const df = new Map();
  for (const doc of train) for (const w of new Set(content(doc))) df.set(w, (df.get(w) ?? 0) + 1);
  const idf = (w) => Math.log((train.length + 1) / ((df.get(w) ?? 0) + 1)) + 1;
  const annotate = (text) => {
    const tf = new Map();
    for (const w of content(text)) tf.set(w, (tf.get(w) ?? 0) + 1);
    const candidates = [...tf.keys()].sort();
    const scored = candidates.map((w) => [w, tf.get(w) * idf(w)]).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return { text, candidates, keys: scored.slice(0, KEYS_PER_DOC) };
  };
  return {
    train: train.map(annotate).filter((d) => d.candidates.length > KEYS_PER_DOC),
    test: test.map(annotate).filter((d) => d.candidates.length > KEYS_PER_DOC),
  };
}
