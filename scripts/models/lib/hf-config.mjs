// config.json as transformers writes it for BERT and RoBERTa checkpoints: the same fields
// and defaults, so loaders that read a real checkpoint's config read these too.

function labelMaps(labels) {
  if (!labels) return {};
  return {
    id2label: Object.fromEntries(labels.map((l, i) => [String(i), l])),
    label2id: Object.fromEntries(labels.map((l, i) => [l, i])),
  };
}

const shared = ({ hidden, layers, heads, intermediate, vocabSize }) => ({
  attention_probs_dropout_prob: 0.1,
  hidden_act: "gelu",
  hidden_dropout_prob: 0.1,
  hidden_size: hidden,
  initializer_range: 0.02,
  intermediate_size: intermediate,
  num_attention_heads: heads,
  num_hidden_layers: layers,
  position_embedding_type: "absolute",
  torch_dtype: "float32",
  use_cache: true,
  vocab_size: vocabSize,
});

/** BERT: positions 0..511, two token types, pad id from the tokenizer. */
export function bertConfig({ architecture, labels, padId, ...size }) {
  return {
    architectures: [architecture],
    model_type: "bert",
    ...shared(size),
    classifier_dropout: null,
    layer_norm_eps: 1e-12,
    max_position_embeddings: 512,
    pad_token_id: padId,
    type_vocab_size: 2,
    ...labelMaps(labels),
  };
}

/** RoBERTa: positions start after the padding index, so 514 rows hold 512 tokens. */
export function robertaConfig({ architecture, labels, specialIds, ...size }) {
  return {
    architectures: [architecture],
    model_type: "roberta",
    ...shared(size),
    bos_token_id: specialIds["<s>"],
    classifier_dropout: null,
    eos_token_id: specialIds["</s>"],
    layer_norm_eps: 1e-5,
    max_position_embeddings: 512 + specialIds["<pad>"] + 1,
    pad_token_id: specialIds["<pad>"],
    type_vocab_size: 1,
    ...labelMaps(labels),
  };
}
