/**
 * Max Sum Distance, as KeyBERT's `max_sum_distance`: take the `nrCandidates` candidates most
 * similar to the document, then, over every `topN`-combination of them, the one whose
 * members are least similar to each other (smallest sum of pairwise similarities).
 *
 * It inspects C(nrCandidates, topN) combinations — 15,504 for KeyBERT's defaults (20, 5),
 * 184,756 for (20, 10), 30 million for (30, 10) — so `maxSumSelect` refuses (RangeError)
 * when the count exceeds a limit instead of blocking the server; `maxSumCombinations` lets
 * a caller check a request before running the model.
 *
 * KeyBERT's ordering, kept: the pool is the last nrCandidates of an ascending sort by
 * similarity (equal similarities in index order: numpy's default sort is not stable, so this
 * is the deterministic choice closest to it), combinations are enumerated in lexicographic
 * order and the first strict minimum wins, and the chosen keywords come back in pool order,
 * which is ASCENDING similarity — unlike the other two methods.
 */
import { pairwiseCosine, type Vector } from "./similarity.js";

/** Admits KeyBERT's (20, 10); about 60 ms of one core at top_n 10, growing with top_n². */
export const DEFAULT_MAX_SUM_COMBINATIONS = 250_000;

/** C(min(nrCandidates, candidates), topN): the combinations Max Sum would inspect. */
export function maxSumCombinations(candidates: number, nrCandidates: number, topN: number): number {
  const n = Math.min(nrCandidates, candidates);
  if (topN > n) return 0;
  let c = 1;
  const k = Math.min(topN, n - topN);
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i; // exact while c stays below 2^53
  return Math.round(c);
}

/**
 * Indices of the chosen candidates, in ascending-similarity order. Preconditions as KeyBERT:
 * nrCandidates < topN is an error; topN above the number of candidates returns [] (KeyBERT
 * does so here, while its other two methods return every candidate).
 */
export function maxSumSelect(docSimilarity: Float64Array, embeddings: readonly Vector[], topN: number, nrCandidates: number, limit = DEFAULT_MAX_SUM_COMBINATIONS): number[] {
  if (nrCandidates < topN) throw new RangeError(`maxSum: nrCandidates (${nrCandidates}) must be at least topN (${topN})`);
  const n = docSimilarity.length;
  if (topN > n) return [];
  const combinations = maxSumCombinations(n, nrCandidates, topN);
  if (combinations > limit) {
    throw new RangeError(`maxSum: C(${Math.min(nrCandidates, n)}, ${topN}) = ${combinations} combinations exceeds the limit of ${limit}; lower nrCandidates or topN`);
  }
  const ascending = [...docSimilarity.keys()].sort((a, b) => docSimilarity[a]! - docSimilarity[b]! || a - b);
  const pool = ascending.slice(Math.max(0, n - nrCandidates));
  const sim = pairwiseCosine(pool.map((i) => embeddings[i]!));

  // Lexicographic enumeration of topN-subsets of pool positions, as itertools.combinations.
  const m = pool.length;
  const comb = Array.from({ length: topN }, (_, i) => i);
  let best: number[] = [];
  let bestSum = 100_000; // KeyBERT's starting bound
  for (;;) {
    let sum = 0;
    for (const i of comb) for (const j of comb) if (i !== j) sum += sim[i]![j]!;
    if (sum < bestSum) {
      bestSum = sum;
      best = [...comb];
    }
    let p = topN - 1;
    while (p >= 0 && comb[p] === m - topN + p) p--;
    if (p < 0) break;
    comb[p] = comb[p]! + 1;
    for (let q = p + 1; q < topN; q++) comb[q] = comb[q - 1]! + 1;
  }
  return best.map((pos) => pool[pos]!);
}
