// keywords: a BertModel sentence encoder (uncased WordPiece) trained so that KeyBERT works on
// it: a document's mean-pooled embedding is closest, by cosine, to the mean-pooled embeddings
// of its key words (see keyword_loss in train.py). Words are embedded alone, "[CLS] w [SEP]",
// as KeyBERT embeds its candidates.
import { keywordData } from "../data/keywords.mjs";
import { Rng } from "../lib/rng.mjs";
import { idsOf } from "../lib/encode.mjs";
import { bertConfig } from "../lib/hf-config.mjs";
import { trainWordPiece } from "../lib/tokenizers.mjs";

const SIZES = {
  full: {
    docs: Infinity,
    testDocs: 600,
    vocabSize: 3000,
    candidates: 8,
    train: { steps: 400, batch_size: 24, learning_rate: 1.5e-3, embedding_learning_rate: 1e-2, warmup_steps: 40, weight_decay: 0.01, temperature: 0.05, seed: 19, log_every: 50 },
  },
  smoke: {
    docs: 200,
    testDocs: 20,
    vocabSize: 400,
    candidates: 4,
    train: { steps: 3, batch_size: 4, learning_rate: 1.5e-3, embedding_learning_rate: 1e-2, warmup_steps: 1, weight_decay: 0.01, temperature: 0.05, seed: 19, log_every: 1 },
  },
};
const MAX_TOKENS = 96;

export async function prepare({ smoke }) {
  const size = SIZES[smoke ? "smoke" : "full"];
  const all = keywordData();
  const train = all.train.slice(0, size.docs);
  const test = all.test.slice(0, size.testDocs);
  const tokenizer = trainWordPiece(
    train.map((d) => d.text),
    { vocabSize: size.vocabSize, lowercase: true },
  );
  const config = bertConfig({
    architecture: "BertModel",
    padId: tokenizer.padId,
    hidden: 64,
    layers: 2,
    heads: 4,
    intermediate: 256,
    vocabSize: tokenizer.tokenizer.getVocabSize(true),
  });

  // One table of every candidate word, each tokenised alone; documents refer to it by index.
  const table = [...new Set([...train, ...test].flatMap((d) => d.candidates))].sort();
  const index = new Map(table.map((w, i) => [w, i]));
  const wordIds = await idsOf(tokenizer.tokenizer, table, MAX_TOKENS);
  const rng = new Rng("keywords/candidates");
  const rows = async (docs, sample) => {
    const ids = await idsOf(
      tokenizer.tokenizer,
      docs.map((d) => d.text),
      MAX_TOKENS,
    );
    return docs.map((d, i) => {
      const keys = d.keys.map(([w]) => w);
      // Training compares each document with a few of its own non-key words (a sample, to
      // bound the work per step); evaluation ranks all of its candidates, as KeyBERT does.
      const others = rng.shuffle(d.candidates.filter((w) => !keys.includes(w)));
      const candidates = sample ? [...keys, ...others.slice(0, size.candidates - keys.length)] : d.candidates;
      return {
        input_ids: ids[i],
        candidates: candidates.map((w) => index.get(w)).sort((a, b) => a - b),
        contains: d.candidates.map((w) => index.get(w)),
        targets: d.keys.map(([w, weight]) => [index.get(w), Math.round(weight * 1e4) / 1e4]),
      };
    });
  };
  const testRows = await rows(test, false);
  return {
    task: "keywords",
    tokenizer,
    config,
    train: size.train,
    data: { words: wordIds, train: await rows(train, true), test: { documents: testRows }, parity: testRows.slice(0, 11).map((r) => r.input_ids) },
  };
}
