/**
 * encoded.json: documents as token ids for the Python side, which never tokenizes. The ids come
 * from mesh's own tokenizer with the serving rules (`model.tokenizer.max_length`, truncate or
 * refuse) — the same encoding `rawOutputs` gave the goldens — right-padded to the traced
 * max_length with the tokenizer's pad id and a zero attention mask.
 */
import type { TransformerServing } from "../../transformers/config.js";
import type { TextTokenizer } from "../../transformers/tokenizer.js";

export interface EncodedIds {
  readonly input_ids: number[][];
  readonly attention_mask: number[][];
  readonly token_type_ids?: number[][];
}

export class EncodeError extends Error {}

export async function encodeDocuments(
  tokenizer: TextTokenizer,
  serving: Pick<TransformerServing, "maxLength" | "truncation">,
  texts: readonly string[],
  tracedLength: number,
  withTokenTypes: boolean,
): Promise<EncodedIds> {
  const encoded = await tokenizer.encode(texts, { maxLength: serving.maxLength, truncate: serving.truncation === "truncate" });
  const pad = (row: readonly number[], fill: number) => [...row, ...new Array<number>(tracedLength - row.length).fill(fill)];
  const out: { input_ids: number[][]; attention_mask: number[][]; token_type_ids?: number[][] } = { input_ids: [], attention_mask: [] };
  if (withTokenTypes) out.token_type_ids = [];
  encoded.forEach((e, i) => {
    if (e.ids.length > tracedLength) {
      throw new EncodeError(`document ${i + 1} is ${e.ids.length} tokens long; the model is traced at max_length ${tracedLength}`);
    }
    out.input_ids.push(pad(e.ids, tokenizer.padId));
    out.attention_mask.push(pad(e.attention, 0));
    out.token_type_ids?.push(pad(e.typeIds, 0));
  });
  return out;
}
