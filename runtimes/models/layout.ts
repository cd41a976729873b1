/**
 * The model folder layout Hugging Face Optimum's ONNX export writes, and which of a Hub
 * repository's files a served model needs. A Hub repository usually carries several formats
 * (PyTorch, TensorFlow, Flax, quantized ONNX variants); downloading only what serving reads
 * keeps a 90 MB model from costing 1 GB.
 */
import { ModelSourceError } from "./errors.js";
import { relPathProblem } from "./paths.js";
import type { ResolvedModel } from "./types.js";

/** Where the ONNX graph lives, in order of preference: optimum-cli writes the first, transformers.js repos the second. */
export const ONNX_CANDIDATES = ["model.onnx", "onnx/model.onnx"] as const;

/** Configuration and tokenizer files serving reads when present (BERT, BPE and SentencePiece tokenizers). */
export const SERVING_FILES = [
  "added_tokens.json",
  "config.json",
  "merges.txt",
  "sentencepiece.bpe.model",
  "special_tokens_map.json",
  "spiece.model",
  "tokenizer.json",
  "tokenizer_config.json",
  "vocab.json",
  "vocab.txt",
] as const;

/** Weights only the Neuron compiler wants; downloaded only when named in `include`. */
export const WEIGHT_FILES = ["model.safetensors", "pytorch_model.bin", "torchscript.pt"] as const;

/** The ONNX graph among `paths` (folder-relative), or undefined. */
export function findOnnx(paths: Iterable<string>): string | undefined {
  const have = new Set(paths);
  return ONNX_CANDIDATES.find((p) => have.has(p));
}

/** ONNX external-data files that belong to `onnx` (graphs over 2 GB keep their weights beside the graph). */
export function externalDataOf(onnx: string): readonly string[] {
  return [`${onnx}_data`, `${onnx}.data`];
}

/**
 * The files to download from a Hub repository listing `available`: the ONNX graph (and its
 * external data), the serving files it has, and every `include`d file, which must exist.
 * Sorted. Throws when nothing servable would arrive.
 */
export function selectHubFiles(label: string, available: readonly string[], include: readonly string[]): string[] {
  const have = new Set(available);
  const picked = new Set<string>();
  const onnx = findOnnx(available);
  if (onnx) {
    picked.add(onnx);
    for (const extra of externalDataOf(onnx)) if (have.has(extra)) picked.add(extra);
  }
  for (const f of SERVING_FILES) if (have.has(f)) picked.add(f);
  for (const f of include) {
    const problem = relPathProblem(f);
    if (problem) throw new ModelSourceError("invalid-uri", `include entry ${JSON.stringify(f)} ${problem}`);
    if (!have.has(f)) throw new ModelSourceError("not-found", `${label} has no file ${f} (named in include)`);
    picked.add(f);
  }
  if (!onnx && include.length === 0) {
    throw new ModelSourceError(
      "incomplete",
      `${label} has no ONNX export (model.onnx or onnx/model.onnx): export it with \`optimum-cli export onnx\` and point model.source.uri at the folder with file://, or pick a repository that has one`,
    );
  }
  return [...picked].sort();
}

/** The resolved model's ONNX graph path; throws one sentence when the folder has none. */
export function requireOnnx(model: ResolvedModel): string {
  if (model.onnx) return model.onnx;
  throw new ModelSourceError("incomplete", `${model.uri} holds no model.onnx or onnx/model.onnx (the layout \`optimum-cli export onnx\` writes)`);
}
