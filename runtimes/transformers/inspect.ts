/**
 * What mesh needs to know about a Hugging Face model folder before it serves it, read once
 * from `config.json`, `tokenizer.json`, `tokenizer_config.json` and the ONNX graph: labels,
 * vocabulary sizes, positions, the tokenizer family and the model's tensors. `mesh lock`
 * records these facts in `model.lock.json`, so validation and generation never open the
 * model again; the trainer and the server re-check them against the files they load.
 *
 * Problems are returned as sentences naming the file, never thrown: a folder that cannot be
 * served must be refused with every reason at once.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { readOnnxSignature, type SignatureTensor } from "../support/onnx-signature.js";

export interface TransformerFacts {
  /** Path of the ONNX graph inside the folder (Optimum writes model.onnx; some exports onnx/model.onnx). */
  readonly modelFile: string;
  readonly architecture: string;
  readonly modelType: string;
  /** config.json id2label in id order; [] for an encoder without a head. */
  readonly labels: readonly string[];
  readonly problemType?: string;
  /** Rows of the model's embedding table (config.json vocab_size). */
  readonly vocabSize: number;
  /** Highest token id the tokenizer can produce, plus one. */
  readonly tokenizerVocabSize: number;
  readonly maxPositions: number;
  /** tokenizer_config.json model_max_length (capped at maxPositions). */
  readonly modelMaxLength: number;
  readonly hiddenSize: number;
  readonly tokenizer: { readonly model: string; readonly continuingSubwordPrefix?: string };
  readonly inputs: readonly SignatureTensor[];
  readonly outputs: readonly SignatureTensor[];
}

export type InspectResult = { readonly ok: true; readonly facts: TransformerFacts } | { readonly ok: false; readonly problems: readonly string[] };

/** The largest ONNX graph decoded for its signature (the whole file is read). */
const MAX_SIGNATURE_BYTES = 2 * 1024 * 1024 * 1024;

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

function readJson(dir: string, file: string, problems: string[], required: boolean): Json | undefined {
  const path = join(dir, file);
  if (!existsSync(path)) {
    if (required) problems.push(`${file} is missing from the model folder`);
    return undefined;
  }
  try {
    const v = JSON.parse(readFileSync(path, "utf8")) as unknown;
    if (!isObj(v)) throw new Error("not a JSON object");
    return v;
  } catch (err) {
    problems.push(`${file} is not a readable JSON object: ${(err as Error).message}`);
    return undefined;
  }
}

/** id2label as a dense list; a gap or a non-integer id is a problem. */
function labelsOf(config: Json, problems: string[]): string[] {
  const raw = config["id2label"];
  if (raw === undefined) return [];
  if (!isObj(raw)) {
    problems.push("config.json id2label must map ids to label names");
    return [];
  }
  const entries = Object.entries(raw);
  const labels: string[] = new Array(entries.length);
  for (const [id, name] of entries) {
    const i = Number(id);
    if (!Number.isInteger(i) || i < 0 || i >= entries.length || typeof name !== "string" || labels[i] !== undefined) {
      problems.push(`config.json id2label must map the ids 0..${entries.length - 1} to names, got ${JSON.stringify(id)}: ${JSON.stringify(name)}`);
      return [];
    }
    labels[i] = name;
  }
  return labels;
}

/** Highest id of the tokenizer's vocabulary and added tokens, plus one. */
function tokenizerVocab(tok: Json, problems: string[]): { size: number; model: string; prefix?: string } {
  const model = isObj(tok["model"]) ? tok["model"] : undefined;
  if (!model) {
    problems.push("tokenizer.json has no model section");
    return { size: 0, model: "unknown" };
  }
  const type = typeof model["type"] === "string" ? model["type"] : "unknown";
  let max = -1;
  const vocab = model["vocab"];
  if (isObj(vocab)) for (const id of Object.values(vocab)) if (typeof id === "number" && id > max) max = id;
  if (Array.isArray(vocab)) max = vocab.length - 1; // Unigram: [[piece, score], …] in id order
  for (const t of Array.isArray(tok["added_tokens"]) ? tok["added_tokens"] : []) if (isObj(t) && typeof t["id"] === "number" && t["id"] > max) max = t["id"];
  const prefix = typeof model["continuing_subword_prefix"] === "string" ? model["continuing_subword_prefix"] : undefined;
  return { size: max + 1, model: type, ...(prefix ? { prefix } : {}) };
}

const int = (v: unknown): number | undefined => (typeof v === "number" && Number.isInteger(v) && v > 0 ? v : undefined);

export function inspectModelFolder(dir: string): InspectResult {
  const problems: string[] = [];
  const config = readJson(dir, "config.json", problems, true);
  const tok = readJson(dir, "tokenizer.json", problems, true);
  const tokConfig = readJson(dir, "tokenizer_config.json", problems, false) ?? {};
  const modelFile = ["model.onnx", "onnx/model.onnx"].find((f) => existsSync(join(dir, f)));
  if (!modelFile) problems.push("the model folder has no model.onnx (nor onnx/model.onnx): export it with Optimum (optimum-cli export onnx)");

  let signature: { inputs: readonly SignatureTensor[]; outputs: readonly SignatureTensor[] } | undefined;
  if (modelFile) {
    const path = join(dir, modelFile);
    if (statSync(path).size > MAX_SIGNATURE_BYTES) problems.push(`${modelFile} is larger than ${MAX_SIGNATURE_BYTES} bytes; mesh reads its signature whole`);
    else {
      const read = readOnnxSignature(readFileSync(path));
      if (read.ok) signature = read.signature;
      else problems.push(`${modelFile} is not a readable ONNX model: ${read.reason}`);
    }
  }
  if (!config || !tok || !signature || !modelFile) return { ok: false, problems };

  const labels = labelsOf(config, problems);
  const vocabSize = int(config["vocab_size"]);
  if (vocabSize === undefined) problems.push("config.json has no vocab_size");
  const maxPositions = int(config["max_position_embeddings"]) ?? int(config["n_positions"]);
  if (maxPositions === undefined) problems.push("config.json has no max_position_embeddings");
  const hiddenSize = int(config["hidden_size"]) ?? int(config["dim"]) ?? 0;
  const vocab = tokenizerVocab(tok, problems);
  if (vocabSize !== undefined && vocab.size > vocabSize) {
    problems.push(`tokenizer.json can produce token ids up to ${vocab.size - 1}, but the model's embedding table (config.json vocab_size) has ${vocabSize} rows`);
  }
  // RoBERTa-style models offset positions by padding_idx + 1, so fewer positions are usable.
  const offset = config["model_type"] === "roberta" || config["model_type"] === "xlm-roberta" || config["model_type"] === "camembert" ? (int(config["pad_token_id"]) ?? 1) + 1 : 0;
  const usable = (maxPositions ?? 0) - offset;
  const declared = int(tokConfig["model_max_length"]);
  const architectures = Array.isArray(config["architectures"]) ? config["architectures"] : [];
  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    facts: {
      modelFile,
      architecture: typeof architectures[0] === "string" ? architectures[0] : "unknown",
      modelType: typeof config["model_type"] === "string" ? config["model_type"] : "unknown",
      labels,
      ...(typeof config["problem_type"] === "string" ? { problemType: config["problem_type"] } : {}),
      vocabSize: vocabSize!,
      tokenizerVocabSize: vocab.size,
      maxPositions: usable,
      modelMaxLength: declared !== undefined && declared < usable ? declared : usable,
      hiddenSize,
      tokenizer: { model: vocab.model, ...(vocab.prefix ? { continuingSubwordPrefix: vocab.prefix } : {}) },
      inputs: signature.inputs,
      outputs: signature.outputs,
    },
  };
}
