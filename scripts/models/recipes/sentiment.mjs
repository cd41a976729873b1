// sentiment: RoBERTa-shaped sequence classifier over byte-level BPE, labels in
// cardiffnlp/twitter-xlm-roberta-base-sentiment's order.
import { LABELS, sentimentData } from "../data/sentiment.mjs";
import { idsOf } from "../lib/encode.mjs";
import { robertaConfig } from "../lib/hf-config.mjs";
import { trainByteLevelBpe } from "../lib/tokenizers.mjs";

const SIZES = {
  full: {
    data: { train: 56000, test: 3000, sotuShare: 0.2 },
    vocabSize: 3000,
    train: { steps: 1750, batch_size: 32, learning_rate: 1.5e-3, embedding_learning_rate: 1e-2, warmup_steps: 100, weight_decay: 0.01, seed: 13, log_every: 250 },
  },
  smoke: {
    data: { train: 300, test: 30, sotuShare: 0.3 },
    vocabSize: 400,
    train: { steps: 3, batch_size: 8, learning_rate: 1.5e-3, embedding_learning_rate: 1e-2, warmup_steps: 1, weight_decay: 0.01, seed: 13, log_every: 1 },
  },
};
const MAX_TOKENS = 64;

export async function prepare({ smoke }) {
  const size = SIZES[smoke ? "smoke" : "full"];
  const data = sentimentData(size.data);
  const tokenizer = trainByteLevelBpe(
    data.train.map((r) => r.text),
    { vocabSize: size.vocabSize },
  );
  const config = robertaConfig({
    architecture: "RobertaForSequenceClassification",
    labels: LABELS,
    specialIds: tokenizer.specialIds,
    hidden: 64,
    layers: 2,
    heads: 4,
    intermediate: 256,
    vocabSize: tokenizer.tokenizer.getVocabSize(true),
  });
  const encode = async (rows) =>
    (
      await idsOf(
        tokenizer.tokenizer,
        rows.map((r) => r.text),
        MAX_TOKENS,
      )
    ).map((input_ids, i) => ({ input_ids, label: rows[i].label }));
  const test = {};
  for (const [split, rows] of Object.entries(data.test)) test[split] = await encode(rows);
  return {
    task: "sequence-classification",
    tokenizer,
    config,
    train: size.train,
    data: { train: await encode(data.train), test, parity: test.templates.slice(0, 11).map((r) => r.input_ids) },
  };
}
