// ner: BERT-shaped token classifier over cased WordPiece, labels in dslim/bert-base-NER's
// order. Each token's label comes from the entity character spans through the tokenizer's
// offsets: the entity's first token B-, every other token of the entity (later words and
// later word pieces alike) I-, everything else O, special tokens ignored (-100).
import { LABELS, nerData } from "../data/ner.mjs";
import { encodeAll } from "../lib/encode.mjs";
import { bertConfig } from "../lib/hf-config.mjs";
import { trainWordPiece } from "../lib/tokenizers.mjs";

const SIZES = {
  full: {
    data: { train: 30000, test: 2000 },
    vocabSize: 2500,
    train: { steps: 1500, batch_size: 32, learning_rate: 1.5e-3, embedding_learning_rate: 1e-2, warmup_steps: 100, weight_decay: 0.01, seed: 17, log_every: 250 },
  },
  smoke: {
    data: { train: 300, test: 30 },
    vocabSize: 400,
    train: { steps: 3, batch_size: 8, learning_rate: 1.5e-3, embedding_learning_rate: 1e-2, warmup_steps: 1, weight_decay: 0.01, seed: 17, log_every: 1 },
  },
};
const MAX_TOKENS = 64;
const IGNORE = -100;

export function tokenLabels(encoding, spans) {
  const offsets = encoding.getOffsets();
  const special = encoding.getSpecialTokensMask();
  const seen = new Set();
  return offsets.map(([start, end], i) => {
    if (special[i]) return IGNORE;
    const span = spans.findIndex(([s, e]) => start >= s && end <= e);
    if (span < 0) return 0;
    const kind = spans[span][2];
    const first = !seen.has(span);
    seen.add(span);
    return LABELS.indexOf(`${first ? "B" : "I"}-${kind}`);
  });
}

/**
 * The text the vocabulary is learnt from: the training sentences with their entities cut out,
 * plus every distinct entity once. Counted in place, thousands of names that each occur a few
 * times would crowd ordinary words ("works", "staff") out of a small vocabulary; counted
 * once, names are spelt with the pieces they share, as a real cased BERT spells rare names.
 */
function vocabularyCorpus(rows) {
  const entities = new Set();
  const texts = rows.map(({ text, spans }) => {
    let out = "";
    let at = 0;
    for (const [s, e] of [...spans].sort((a, b) => a[0] - b[0])) {
      entities.add(text.slice(s, e));
      out += text.slice(at, s) + " ";
      at = e;
    }
    return out + text.slice(at);
  });
  return [...texts, ...[...entities].sort()];
}

export async function prepare({ smoke }) {
  const size = SIZES[smoke ? "smoke" : "full"];
  const data = nerData(size.data);
  const tokenizer = trainWordPiece(vocabularyCorpus(data.train), { vocabSize: size.vocabSize, lowercase: false });
  const config = bertConfig({
    architecture: "BertForTokenClassification",
    labels: LABELS,
    padId: tokenizer.padId,
    hidden: 64,
    layers: 2,
    heads: 4,
    intermediate: 256,
    vocabSize: tokenizer.tokenizer.getVocabSize(true),
  });
  // Sentences over MAX_TOKENS (long numbers in a carrier) are dropped rather than cut, so no
  // entity is ever truncated.
  const encode = async (rows) =>
    (
      await encodeAll(
        tokenizer.tokenizer,
        rows.map((r) => r.text),
      )
    )
      .map((e, i) => ({ input_ids: e.getIds(), labels: tokenLabels(e, rows[i].spans) }))
      .filter((r) => r.input_ids.length <= MAX_TOKENS);
  const test = {};
  for (const [split, rows] of Object.entries(data.test)) test[split] = await encode(rows);
  return {
    task: "token-classification",
    tokenizer,
    config,
    train: size.train,
    data: { train: await encode(data.train), test, parity: test.entities.slice(0, 11).map((r) => r.input_ids) },
  };
}
