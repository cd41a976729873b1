// Tokenises with the real `tokenizers` library (the one mesh serves with), in batches.

/** @returns {Promise<import("tokenizers").Encoding[]>} */
export async function encodeAll(tokenizer, texts, batchSize = 2000) {
  const out = [];
  for (let i = 0; i < texts.length; i += batchSize) out.push(...(await tokenizer.encodeBatch(texts.slice(i, i + batchSize))));
  return out;
}

/** input_ids of each text, truncated to maxLength keeping the final special token. */
export async function idsOf(tokenizer, texts, maxLength) {
  return (await encodeAll(tokenizer, texts)).map((e) => {
    const ids = e.getIds();
    return ids.length <= maxLength ? ids : [...ids.slice(0, maxLength - 1), ids[ids.length - 1]];
  });
}
