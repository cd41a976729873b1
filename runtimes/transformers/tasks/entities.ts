/**
 * token-classification: the seed's NER answer. Each document is split into sentences (ICU),
 * each sentence tagged on its own; a sentence longer than max_length tokens is cut at white
 * space into pieces that fit — never truncated, so no entity is silently lost (with
 * `truncation: refuse` it is refused instead). Entities come back with character offsets
 * into the document and the index of their sentence.
 */
import { PipelineError } from "../pipeline-error.js";
import type { TaskContext } from "../task-context.js";
import type { Encoded } from "../tokenizer.js";
import { tokenClassification, type Aggregation } from "../postprocess/ner.js";
import { rebaseEntities, splitSentences } from "../postprocess/sentences.js";

interface Piece {
  readonly doc: number;
  readonly sentence: number;
  readonly start: number;
  readonly text: string;
}

/** Pieces are halved at most this often: a 2^12-fold cut reaches single words of any document the body limit allows. */
const MAX_SPLITS = 12;

function pieces(texts: readonly string[], split: boolean): Piece[] {
  return texts.flatMap((text, doc) =>
    split ? splitSentences(text).map((s) => ({ doc, sentence: s.index, start: s.start, text: s.text })) : text.trim() === "" ? [] : [{ doc, sentence: 0, start: 0, text }],
  );
}

/** Encodes every piece whole; pieces over max_length are cut at white space and encoded again. */
async function encodeFitting(ctx: TaskContext, all: Piece[], pointers: readonly string[]): Promise<{ pieces: Piece[]; encoded: Encoded[] }> {
  const max = ctx.serving.maxLength;
  let todo = all;
  const done: { piece: Piece; enc: Encoded }[] = [];
  for (let round = 0; todo.length > 0; round++) {
    const encoded = await ctx.tokenizer.encode(
      todo.map((p) => p.text),
      { maxLength: max, truncate: round >= MAX_SPLITS, detail: true },
    );
    const again: Piece[] = [];
    todo.forEach((piece, i) => {
      const enc = encoded[i]!;
      if (enc.ids.length <= max) return void done.push({ piece, enc });
      if (ctx.serving.truncation === "refuse") {
        throw new PipelineError(
          400,
          "too_long",
          `sentence ${piece.sentence + 1} is ${enc.ids.length} tokens long; the model reads at most ${max} (model.tokenizer.max_length, truncation: refuse)`,
          pointers[piece.doc],
        );
      }
      const half = Math.max(2, Math.ceil(piece.text.length / 2));
      for (const s of splitSentences(piece.text, { maxChars: half })) again.push({ ...piece, start: piece.start + s.start, text: s.text });
    });
    todo = again;
  }
  // Back in document order: pieces of one sentence were re-queued after the others.
  done.sort((a, b) => a.piece.doc - b.piece.doc || a.piece.start - b.piece.start);
  return { pieces: done.map((d) => d.piece), encoded: done.map((d) => d.enc) };
}

export async function tagEntities(ctx: TaskContext, texts: readonly string[], pointers: readonly string[], parameters: Readonly<Record<string, unknown>>): Promise<Record<string, unknown>[]> {
  const { serving, labels } = ctx;
  const aggregation = (parameters["aggregation"] as Aggregation | undefined) ?? serving.aggregation;
  const { pieces: parts, encoded } = await encodeFitting(ctx, pieces(texts, serving.splitSentences), pointers);
  const entities: Record<string, unknown>[][] = texts.map(() => []);
  if (encoded.length === 0) return entities.map((e) => ({ entities: e }));
  const outputs = await ctx.run(encoded);
  let s = 0;
  for (const out of outputs) {
    const [n = 0, L = 0, C = 0] = out.dims;
    for (let j = 0; j < n; j++, s++) {
      const piece = parts[s]!;
      const enc = encoded[s]!;
      const found = tokenClassification({
        text: piece.text,
        logits: out.data.subarray(j * L * C, (j * L + enc.ids.length) * C),
        numLabels: C,
        id2label: labels,
        tokens: enc.tokens!,
        offsets: enc.offsets!,
        special: enc.special!,
        continuingSubwordPrefix: serving.continuingSubwordPrefix,
        unkToken: ctx.tokenizer.unkToken,
        aggregation,
      });
      for (const e of rebaseEntities(found, piece.start, piece.sentence)) {
        entities[piece.doc]!.push({ entity_type: e.entity_type, entity_text: e.entity_text, score: e.score, sentence_index: e.sentence_index, start: e.start, end: e.end });
      }
    }
  }
  return entities.map((e) => ({ entities: e }));
}
