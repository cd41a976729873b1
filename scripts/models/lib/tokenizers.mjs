// Trains the two tokenizer families the models use and writes them as a Hugging Face model
// folder writes them: tokenizer.json (serialised by the real `tokenizers` library, so every
// loader reads the standard format), tokenizer_config.json and special_tokens_map.json.
//
//   WordPiece (BERT):   BertNormalizer → BertPreTokenizer → WordPiece "##" → [CLS] $A [SEP]
//   byte-level BPE (RoBERTa): ByteLevel pre-tokenizer → BPE → <s> $A </s>, ByteLevel decoder
//
// The vocabulary is learnt by lib/merges.mjs on words that the library's own normalizer and
// pre-tokenizer produced, so training and serving split text identically.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import tokenizers from "tokenizers";
import { learnMerges } from "./merges.mjs";
import { writeJson } from "./json.mjs";

const { Tokenizer, WordPiece, BPE, AddedToken, bertNormalizer, bertPreTokenizer, templateProcessing, wordPieceDecoder, byteLevelPreTokenizer, byteLevelAlphabet, robertaProcessing } = tokenizers;

export const MODEL_MAX_LENGTH = 512;
const PRINTABLE_ASCII = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join("");
const byCodePoint = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

function countWords(texts, normalize, preTokenize) {
  const counts = new Map();
  for (const text of texts) {
    for (const [word] of preTokenize(normalize(text))) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  return counts;
}

/** Loads a serialised tokenizer back, so what callers use is exactly what the file says. */
function roundTrip(tokenizer, patch = (json) => json) {
  const dir = mkdtempSync(join(tmpdir(), "mesh-tokenizer-"));
  try {
    const path = join(dir, "tokenizer.json");
    tokenizer.save(path, true);
    return Tokenizer.fromString(JSON.stringify(patch(JSON.parse(readFileSync(path, "utf8")))));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const addedTokenEntry = (content, lstrip = false) => ({ content, lstrip, normalized: false, rstrip: false, single_word: false, special: true });

/**
 * BERT WordPiece. `lowercase` makes it an uncased tokenizer (accents stripped, as BERT's
 * uncased models do); otherwise it is cased and keeps accents.
 */
export function trainWordPiece(texts, { vocabSize, lowercase }) {
  const specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];
  const normalizer = bertNormalizer({ cleanText: true, handleChineseChars: true, stripAccents: lowercase, lowercase });
  const preTokenizer = bertPreTokenizer();
  const counts = countWords(
    texts,
    (t) => normalizer.normalizeString(t),
    (t) => preTokenizer.preTokenizeString(t),
  );

  // Every character seen, plus printable ASCII so ordinary unseen text never becomes [UNK],
  // each as a word start and as a "##" continuation.
  const chars = new Set(Array.from(normalizer.normalizeString(PRINTABLE_ASCII)));
  for (const word of counts.keys()) for (const ch of word) chars.add(ch);
  const alphabet = [...chars].sort(byCodePoint);
  const base = [...specials, ...alphabet, ...alphabet.map((c) => "##" + c)];
  const { tokens } = learnMerges(counts, {
    split: (word) => Array.from(word).map((c, i) => (i === 0 ? c : "##" + c)),
    join: (a, b) => a + b.replace(/^##/, ""),
    maxTokens: Math.max(0, vocabSize - base.length),
  });
  const vocab = {};
  for (const token of [...base, ...tokens]) if (!(token in vocab)) vocab[token] = Object.keys(vocab).length;

  const tokenizer = new Tokenizer(WordPiece.init(vocab, { unkToken: "[UNK]", continuingSubwordPrefix: "##", maxInputCharsPerWord: 100 }));
  tokenizer.setNormalizer(normalizer);
  tokenizer.setPreTokenizer(preTokenizer);
  tokenizer.setPostProcessor(
    templateProcessing("[CLS] $A [SEP]", "[CLS] $A [SEP] $B:1 [SEP]:1", [
      ["[CLS]", vocab["[CLS]"]],
      ["[SEP]", vocab["[SEP]"]],
    ]),
  );
  tokenizer.setDecoder(wordPieceDecoder("##", true));
  tokenizer.addSpecialTokens(specials);
  const final = roundTrip(tokenizer);

  const map = { cls_token: "[CLS]", mask_token: "[MASK]", pad_token: "[PAD]", sep_token: "[SEP]", unk_token: "[UNK]" };
  return {
    family: "wordpiece",
    tokenizer: final,
    specialIds: Object.fromEntries(specials.map((t) => [t, vocab[t]])),
    padId: vocab["[PAD]"],
    write(dir) {
      final.save(join(dir, "tokenizer.json"), true);
      writeJson(join(dir, "special_tokens_map.json"), map);
      writeJson(join(dir, "tokenizer_config.json"), {
        ...map,
        added_tokens_decoder: Object.fromEntries(specials.map((t) => [String(vocab[t]), addedTokenEntry(t)])),
        clean_up_tokenization_spaces: true,
        do_basic_tokenize: true,
        do_lower_case: lowercase,
        model_max_length: MODEL_MAX_LENGTH,
        never_split: null,
        strip_accents: null,
        tokenize_chinese_chars: true,
        tokenizer_class: "BertTokenizer",
      });
    },
  };
}

/**
 * RoBERTa byte-level BPE: cased, no unknown characters (every byte has a symbol), spaces
 * carried into the following token as "Ġ". The npm binding has no ByteLevel *decoder*
 * constructor, so that one field is set in the JSON before the library re-reads it.
 */
export function trainByteLevelBpe(texts, { vocabSize }) {
  const head = ["<s>", "<pad>", "</s>", "<unk>"];
  const preTokenizer = byteLevelPreTokenizer(false, true);
  const counts = countWords(
    texts,
    (t) => t,
    (t) => preTokenizer.preTokenizeString(t),
  );
  const alphabet = byteLevelAlphabet().sort(byCodePoint);
  const { merges, tokens } = learnMerges(counts, {
    split: (word) => Array.from(word),
    join: (a, b) => a + b,
    maxTokens: Math.max(0, vocabSize - head.length - alphabet.length - 1),
  });
  const vocab = {};
  for (const token of [...head, ...alphabet, ...tokens, "<mask>"]) if (!(token in vocab)) vocab[token] = Object.keys(vocab).length;

  const tokenizer = new Tokenizer(BPE.init(vocab, merges, {}));
  tokenizer.setPreTokenizer(preTokenizer);
  tokenizer.setPostProcessor(robertaProcessing(["</s>", vocab["</s>"]], ["<s>", vocab["<s>"]], true, false));
  tokenizer.addAddedTokens([...head.map((t) => new AddedToken(t, true, { normalized: false })), new AddedToken("<mask>", true, { leftStrip: true, normalized: false })]);
  const final = roundTrip(tokenizer, (json) => ({
    ...json,
    decoder: { type: "ByteLevel", add_prefix_space: true, trim_offsets: true, use_regex: true },
  }));

  const map = {
    bos_token: "<s>",
    cls_token: "<s>",
    eos_token: "</s>",
    mask_token: { content: "<mask>", lstrip: true, normalized: false, rstrip: false, single_word: false },
    pad_token: "<pad>",
    sep_token: "</s>",
    unk_token: "<unk>",
  };
  const all = [...head, "<mask>"];
  return {
    family: "byte-level-bpe",
    tokenizer: final,
    specialIds: Object.fromEntries(all.map((t) => [t, vocab[t]])),
    padId: vocab["<pad>"],
    write(dir) {
      final.save(join(dir, "tokenizer.json"), true);
      writeJson(join(dir, "special_tokens_map.json"), map);
      // tokenizer_config.json names every special token by its string, as transformers
      // writes it today; <mask>'s lstrip lives in added_tokens_decoder (transformers.js
      // refuses a token object there without the legacy "__type" marker).
      writeJson(join(dir, "tokenizer_config.json"), {
        ...map,
        mask_token: "<mask>",
        add_prefix_space: false,
        added_tokens_decoder: Object.fromEntries(all.map((t) => [String(vocab[t]), addedTokenEntry(t, t === "<mask>")])),
        clean_up_tokenization_spaces: false,
        errors: "replace",
        model_max_length: MODEL_MAX_LENGTH,
        tokenizer_class: "RobertaTokenizer",
        trim_offsets: true,
      });
    },
  };
}
