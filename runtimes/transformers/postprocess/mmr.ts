/**
 * Maximal Marginal Relevance, as KeyBERT's `mmr`: start from the candidate most similar to
 * the document, then repeatedly add the candidate maximising
 *     (1 - diversity) · sim(candidate, doc) - diversity · max over chosen sim(candidate, chosen)
 * until top_n are chosen (or the candidates run out). Diversity 0 is plain similarity
 * ranking; 1 picks whatever is least like the keywords already chosen.
 *
 * Ties go to the lowest candidate index (numpy's argmax). The result is sorted by the
 * ROUNDED similarity to the document, descending, stably — so equal rounded scores keep
 * the order they were chosen in, as KeyBERT's `sorted(..., key=score)` does.
 *
 * Only the similarity rows of chosen candidates are computed (topN · n, not KeyBERT's n × n
 * matrix), which is what keeps a document with a thousand candidates cheap.
 */
import { cosineToAll, type Vector } from "./similarity.js";

/** Indices of the chosen candidates, in the order chosen. */
export function mmrSelect(docSimilarity: Float64Array, embeddings: readonly Vector[], topN: number, diversity: number): number[] {
  const n = docSimilarity.length;
  if (n === 0) return [];
  let first = 0;
  for (let i = 1; i < n; i++) if (docSimilarity[i]! > docSimilarity[first]!) first = i;
  const chosen = [first];
  // Closest similarity of each candidate to anything chosen so far, kept up to date.
  const nearest = cosineToAll(embeddings[first]!, embeddings);
  const remaining = new Set<number>();
  for (let i = 0; i < n; i++) if (i !== first) remaining.add(i);
  const steps = Math.min(topN - 1, n - 1);
  for (let step = 0; step < steps; step++) {
    let best = -1;
    let bestValue = -Infinity;
    for (const i of remaining) {
      const value = (1 - diversity) * docSimilarity[i]! - diversity * nearest[i]!;
      if (best === -1 || value > bestValue) {
        best = i;
        bestValue = value;
      }
    }
    chosen.push(best);
    remaining.delete(best);
    const row = cosineToAll(embeddings[best]!, embeddings);
    for (const i of remaining) nearest[i] = Math.max(nearest[i]!, row[i]!);
  }
  return chosen;
}
