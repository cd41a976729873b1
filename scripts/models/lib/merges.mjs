// Learns byte-pair-encoding merges from word counts: the training algorithm behind both BPE
// (RoBERTa) and WordPiece (BERT; Hugging Face's WordPiece trainer is this same loop with a
// "##" prefix on word-inner symbols). The npm `tokenizers` package can apply these models but
// exposes no trainer with a vocabulary size, so the vocabulary is learnt here and handed to it.
//
// Determinism: the most frequent pair wins; ties go to the smaller pair in string order, never
// to Map iteration order.

const SEP = "\u0000";

/**
 * @param {Map<string, number>} wordCounts pre-tokenized words and how often they occur
 * @param {object} o
 * @param {(word: string) => string[]} o.split initial symbols of a word
 * @param {(a: string, b: string) => string} o.join the symbol a merge of (a, b) makes
 * @param {number} o.maxTokens stop once the merges have made this many new symbols
 * @param {number} [o.minCount] pairs seen fewer times are never merged (default 2)
 * @returns {{ merges: [string, string][], tokens: string[] }} merges in learning order and
 *   the new symbols they created (in the same order, without duplicates)
 */
export function learnMerges(wordCounts, { split, join, maxTokens, minCount = 2 }) {
  const words = [...wordCounts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([word, count]) => ({ symbols: split(word), count }));
  const pairCounts = new Map();
  const pairWords = new Map(); // pair → indices of words that contained it when it was counted

  const add = (index, sign) => {
    const { symbols, count } = words[index];
    for (let i = 0; i + 1 < symbols.length; i++) {
      const key = symbols[i] + SEP + symbols[i + 1];
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + sign * count);
      if (sign > 0) {
        let set = pairWords.get(key);
        if (!set) pairWords.set(key, (set = new Set()));
        set.add(index);
      }
    }
  };
  words.forEach((_, i) => add(i, +1));

  const merges = [];
  const tokens = [];
  const seen = new Set();
  while (tokens.length < maxTokens) {
    let best = null;
    let bestCount = 0;
    for (const [key, count] of pairCounts) {
      if (count > bestCount || (count === bestCount && count > 0 && key < best)) {
        best = key;
        bestCount = count;
      }
    }
    if (best === null || bestCount < minCount) break;
    const [a, b] = best.split(SEP);
    const merged = join(a, b);
    for (const index of [...pairWords.get(best)].sort((x, y) => x - y)) {
      const { symbols } = words[index];
      let present = false;
      for (let i = 0; i + 1 < symbols.length; i++) if (symbols[i] === a && symbols[i + 1] === b) present = true;
      if (!present) continue; // stale entry: an earlier merge already consumed the pair here
      add(index, -1);
      const next = [];
      for (let i = 0; i < symbols.length; i++) {
        if (i + 1 < symbols.length && symbols[i] === a && symbols[i + 1] === b) {
          next.push(merged);
          i++;
        } else next.push(symbols[i]);
      }
      words[index].symbols = next;
      add(index, +1);
    }
    pairCounts.delete(best);
    pairWords.delete(best);
    merges.push([a, b]);
    if (!seen.has(merged)) {
      seen.add(merged);
      tokens.push(merged);
    }
  }
  return { merges, tokens };
}
