/**
 * KeyBERT's keyword selection for one document, given the embeddings the server computed:
 * the document's, and one per candidate from candidates.ts (in that document's candidate
 * order). Mirrors `KeyBERT.extract_keywords` after its embedding calls:
 *
 * - seed keywords: the document embedding becomes (3 · doc + seed) / 4, where seed is the
 *   mean of the seed keywords' embeddings (`meanEmbedding`);
 * - similarity is cosine (similarity.ts);
 * - `useMmr` → mmr.ts, else `useMaxsum` → maxsum.ts (MMR wins when both are set, as in
 *   KeyBERT), else the topN most similar, highest first (equal similarities: the later
 *   candidate first, the reverse of a stable ascending sort, which is what KeyBERT's
 *   `argsort()[-top_n:][::-1]` gives whenever numpy's sort keeps ties in order);
 * - every score is Python's round(similarity, 4) (pyround.ts);
 * - no candidates → no keywords; topN above the candidate count → every candidate (except
 *   Max Sum, which answers [] then, as KeyBERT's does).
 *
 * KeyBERT quirks NOT reproduced: top_n ≤ 0 (it returns every candidate, or one for MMR) and
 * diversity outside [0, 1] are refused with a RangeError.
 */
import { maxSumSelect, DEFAULT_MAX_SUM_COMBINATIONS } from "./maxsum.js";
import { mmrSelect } from "./mmr.js";
import { pyRound } from "./pyround.js";
import { cosineToAll } from "./similarity.js";

export interface KeywordOptions {
  readonly topN: number;
  readonly useMaxsum: boolean;
  readonly useMmr: boolean;
  /** MMR only: 0 = pure relevance … 1 = pure diversity. */
  readonly diversity: number;
  /** Max Sum only: size of the pool the combinations are drawn from. */
  readonly nrCandidates: number;
  /** Mean embedding of the seed keywords (guided KeyBERT). */
  readonly seedEmbedding?: ArrayLike<number> | undefined;
  /** Max Sum only: most combinations to inspect before refusing (default DEFAULT_MAX_SUM_COMBINATIONS). */
  readonly maxSumCombinationLimit?: number | undefined;
}

export interface Keyword {
  readonly keyword_token: string;
  readonly keyword_score: number;
}

/** Element-wise mean of equally long vectors (KeyBERT averages the seed keywords' embeddings). */
export function meanEmbedding(vectors: readonly ArrayLike<number>[]): Float32Array {
  const first = vectors[0];
  if (first === undefined) throw new RangeError("meanEmbedding: no vectors");
  const acc = new Float64Array(first.length);
  for (const v of vectors) {
    if (v.length !== acc.length) throw new RangeError(`meanEmbedding: vectors of ${v.length} and ${acc.length} dimensions`);
    for (let i = 0; i < acc.length; i++) acc[i] = acc[i]! + v[i]!;
  }
  return Float32Array.from(acc, (x) => x / vectors.length);
}

/** Guided KeyBERT's document embedding: (3 · doc + seed) / 4. */
export function guideEmbedding(doc: ArrayLike<number>, seed: ArrayLike<number>): Float64Array {
  if (doc.length !== seed.length) throw new RangeError(`guideEmbedding: document has ${doc.length} dimensions, seed ${seed.length}`);
  return Float64Array.from({ length: doc.length }, (_, i) => (doc[i]! * 3 + seed[i]!) / 4);
}

function validate(candidateCount: number, embeddingCount: number, o: KeywordOptions): void {
  if (candidateCount !== embeddingCount) throw new RangeError(`selectKeywords: ${candidateCount} candidates but ${embeddingCount} embeddings`);
  if (!Number.isInteger(o.topN) || o.topN < 1) throw new RangeError(`selectKeywords: topN must be a positive integer, got ${o.topN}`);
  if (o.useMmr && !(o.diversity >= 0 && o.diversity <= 1)) throw new RangeError(`selectKeywords: diversity must be within [0, 1], got ${o.diversity}`);
  // Like KeyBERT, nrCandidates below topN is an error even for a document without candidates.
  if (!o.useMmr && o.useMaxsum && (!Number.isInteger(o.nrCandidates) || o.nrCandidates < o.topN)) {
    throw new RangeError(`selectKeywords: nrCandidates must be an integer of at least topN (${o.topN}), got ${o.nrCandidates}`);
  }
}

/** One document's keywords; see the module comment for the rules. */
export function selectKeywords(docEmbedding: ArrayLike<number>, candidateEmbeddings: readonly ArrayLike<number>[], candidates: readonly string[], options: KeywordOptions): Keyword[] {
  validate(candidates.length, candidateEmbeddings.length, options);
  const doc = options.seedEmbedding === undefined ? docEmbedding : guideEmbedding(docEmbedding, options.seedEmbedding);
  if (candidates.length === 0) return [];
  const sims = cosineToAll(doc, candidateEmbeddings);
  const keyword = (i: number): Keyword => ({ keyword_token: candidates[i]!, keyword_score: pyRound(sims[i]!, 4) });

  if (options.useMmr) {
    const chosen = mmrSelect(sims, candidateEmbeddings, options.topN, options.diversity).map(keyword);
    return chosen.sort((a, b) => b.keyword_score - a.keyword_score);
  }
  if (options.useMaxsum) {
    const limit = options.maxSumCombinationLimit ?? DEFAULT_MAX_SUM_COMBINATIONS;
    return maxSumSelect(sims, candidateEmbeddings, options.topN, options.nrCandidates, limit).map(keyword);
  }
  const order = [...sims.keys()].sort((a, b) => sims[b]! - sims[a]! || b - a);
  return order.slice(0, options.topN).map(keyword);
}
