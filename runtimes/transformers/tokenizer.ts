/**
 * Tokenization with Hugging Face's own tokenizers (the `tokenizers` npm package: the Rust
 * library through napi), loading `tokenizer.json` from the model folder. Chosen over the
 * pure-JS `@huggingface/tokenizers` because NER needs character offsets, which only the
 * native library gives (and it is the faster of the two on batches; bench/transformers).
 *
 * Offsets: the library counts Unicode code points; JavaScript strings count UTF-16 units.
 * Every offset is converted here, so an emoji before a name never shifts the name's span.
 */
import { Tokenizer } from "tokenizers";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { codePointToUtf16Offsets } from "./postprocess/offsets.js";

export interface Encoded {
  readonly ids: readonly number[];
  readonly typeIds: readonly number[];
  readonly attention: readonly number[];
  /** Present when asked for (`detail`): token strings, UTF-16 offsets, special-token flags. */
  readonly tokens?: readonly string[];
  readonly offsets?: readonly (readonly [number, number])[];
  readonly special?: readonly boolean[];
}

export interface EncodeOptions {
  /** Tokens per sequence, special tokens included. */
  readonly maxLength: number;
  /** Cut longer texts to maxLength (true), or encode them whole so the caller can refuse them. */
  readonly truncate: boolean;
  /** Also return tokens, offsets and the special-tokens mask (token classification). */
  readonly detail?: boolean;
}

export interface TextTokenizer {
  encode(texts: readonly string[], options: EncodeOptions): Promise<Encoded[]>;
  /** Highest token id plus one: must not exceed the model's embedding table. */
  readonly vocabSize: number;
  /** The id batches are padded with (the attention mask hides it). */
  readonly padId: number;
  /** The unknown token's spelling (`[UNK]`, `<unk>`), when the model has one. */
  readonly unkToken?: string;
}

/** pad/unk from tokenizer.json: its padding settings, else the usual spellings. */
function specialTokens(json: Record<string, unknown>, vocab: Record<string, number>): { padId: number; unkToken?: string } {
  const padding = json["padding"] as { pad_id?: unknown } | null | undefined;
  const model = json["model"] as { unk_token?: unknown } | undefined;
  const padId = typeof padding?.pad_id === "number" ? padding.pad_id : (vocab["[PAD]"] ?? vocab["<pad>"] ?? vocab["<PAD>"] ?? 0);
  const unk = typeof model?.unk_token === "string" ? model.unk_token : undefined;
  return { padId, ...(unk ? { unkToken: unk } : {}) };
}

function truncated(tok: Tokenizer, maxLength: number): Tokenizer {
  tok.setTruncation(maxLength);
  return tok;
}

export class TokenizerLoadError extends Error {}

/** Loads `<dir>/tokenizer.json`; throws TokenizerLoadError with the library's reason. */
export function loadTokenizer(dir: string): TextTokenizer {
  const file = join(dir, "tokenizer.json");
  let text: string;
  let whole: Tokenizer;
  let json: Record<string, unknown>;
  try {
    text = readFileSync(file, "utf8");
    json = JSON.parse(text) as Record<string, unknown>;
    whole = Tokenizer.fromString(text);
  } catch (err) {
    throw new TokenizerLoadError(`${file} cannot be loaded by the tokenizers library: ${(err as Error).message}`);
  }
  whole.disableTruncation();
  whole.disablePadding();
  // One instance per truncation length: setTruncation mutates the tokenizer.
  const cut = new Map<number, Tokenizer>();
  const vocab = whole.getVocab(true);
  let maxId = -1;
  for (const id of Object.values(vocab)) if (id > maxId) maxId = id;
  return {
    vocabSize: maxId + 1,
    ...specialTokens(json, vocab),
    async encode(texts, options) {
      if (texts.length === 0) return [];
      let tok = whole;
      if (options.truncate) {
        tok = cut.get(options.maxLength) ?? truncated(Tokenizer.fromString(text), options.maxLength);
        cut.set(options.maxLength, tok);
      }
      const encodings = await tok.encodeBatch([...texts]);
      return encodings.map((e, i) => {
        const base = { ids: e.getIds(), typeIds: e.getTypeIds(), attention: e.getAttentionMask() };
        if (!options.detail) return base;
        return {
          ...base,
          tokens: e.getTokens(),
          offsets: codePointToUtf16Offsets(
            texts[i]!,
            e.getOffsets().map(([s, end]) => [s ?? 0, end ?? 0] as const),
          ),
          special: e.getSpecialTokensMask().map((m) => m === 1),
        };
      });
    },
  };
}
