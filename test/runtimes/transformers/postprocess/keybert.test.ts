/**
 * KeyBERT's keyword selection (keybert.ts, mmr.ts, maxsum.ts, similarity.ts). Embeddings
 * are unit vectors at chosen angles from the document, so every similarity is a cosine of a
 * known angle and each selection can be followed by hand; seeded similarities were computed
 * with numpy.
 */
import { describe, expect, test } from "vitest";
import { guideEmbedding, meanEmbedding, selectKeywords, type KeywordOptions } from "../../../../runtimes/transformers/postprocess/keybert.js";
import { maxSumCombinations } from "../../../../runtimes/transformers/postprocess/maxsum.js";
import { cosineToAll, pairwiseCosine } from "../../../../runtimes/transformers/postprocess/similarity.js";

const at = (deg: number) => new Float32Array([Math.cos((deg * Math.PI) / 180), Math.sin((deg * Math.PI) / 180)]);
const DOC = new Float32Array([1, 0]);
// cos to the document: a 0.9848 (10°), b 0.9397 (20°), c 0.1736 (80°), d 0.8660 (-30°).
const WORDS = ["a", "b", "c", "d"];
const EMB = [at(10), at(20), at(80), at(-30)];
const plain: KeywordOptions = { topN: 5, useMaxsum: false, useMmr: false, diversity: 0.5, nrCandidates: 20 };

const run = (options: Partial<KeywordOptions>, emb = EMB, words = WORDS, doc: ArrayLike<number> = DOC) =>
  selectKeywords(doc, emb, words, { ...plain, ...options }).map((k) => [k.keyword_token, k.keyword_score]);

describe("plain cosine ranking", () => {
  test("top_n most similar, highest first, scores rounded to 4 places", () => {
    expect(run({ topN: 2 })).toEqual([
      ["a", 0.9848],
      ["b", 0.9397],
    ]);
  });

  test("top_n above the candidate count returns every candidate", () => {
    expect(run({ topN: 10 })).toEqual([
      ["a", 0.9848],
      ["b", 0.9397],
      ["d", 0.866],
      ["c", 0.1736],
    ]);
  });

  test("equal similarities: the later candidate first (reverse of a stable ascending sort)", () => {
    expect(run({ topN: 3 }, [at(10), at(-10), at(40)], ["x", "y", "z"])).toEqual([
      ["y", 0.9848],
      ["x", 0.9848],
      ["z", 0.766],
    ]);
  });

  test("no candidates, no keywords; a zero embedding has similarity 0", () => {
    expect(run({}, [], [])).toEqual([]);
    expect(run({}, [new Float32Array(2)], ["zero"])).toEqual([["zero", 0]]);
  });
});

describe("seed keywords (guided KeyBERT)", () => {
  test("the document embedding becomes (3 · doc + seed) / 4", () => {
    expect(Array.from(guideEmbedding([1, 0], [0, 1]))).toEqual([0.75, 0.25]);
    expect(Array.from(meanEmbedding([new Float32Array([0, 2]), new Float32Array([0, 0])]))).toEqual([0, 1]);
  });

  test("pulling towards the seed reorders the keywords", () => {
    // numpy: cos((0.75, 0.25), ·) = b 0.99963, a 0.98918, d 0.66347, c 0.47616.
    expect(run({ topN: 4, seedEmbedding: new Float32Array([0, 1]) })).toEqual([
      ["b", 0.9996],
      ["a", 0.9892],
      ["d", 0.6635],
      ["c", 0.4762],
    ]);
  });
});

describe("Maximal Marginal Relevance", () => {
  test("diversity 0 is the plain ranking", () => {
    expect(run({ useMmr: true, diversity: 0, topN: 4 })).toEqual(run({ topN: 4 }));
  });

  test("diversity 1 picks, after the best, whatever is least like the keywords already chosen", () => {
    // After a: max similarity to {a} is b 0.985, c 0.342, d 0.766 → c. Then to {a, c}: b 0.985,
    // d 0.766 → d. Output sorted by document similarity.
    expect(run({ useMmr: true, diversity: 1, topN: 3 })).toEqual([
      ["a", 0.9848],
      ["d", 0.866],
      ["c", 0.1736],
    ]);
  });

  test("diversity 0.5 trades the two off", () => {
    // After a: b 0.5·0.940 − 0.5·0.985 = −0.023, c 0.5·0.174 − 0.5·0.342 = −0.084, d 0.5·0.866 − 0.5·0.766 = 0.050 → d.
    expect(run({ useMmr: true, diversity: 0.5, topN: 2 })).toEqual([
      ["a", 0.9848],
      ["d", 0.866],
    ]);
  });

  test("top_n above the candidate count returns every candidate", () => {
    expect(
      run({ useMmr: true, diversity: 0.3, topN: 9 })
        .map((k) => k[0])
        .sort(),
    ).toEqual(["a", "b", "c", "d"]);
  });

  test("equal ROUNDED scores keep the order MMR chose them in", () => {
    // p is near the document; q and r both score 0.5000 after rounding (r slightly higher
    // exactly), r lies close to p and q far from it, so MMR picks q before r.
    const unit = (x: number, y: number) => new Float32Array([x, y, Math.sqrt(Math.max(0, 1 - x * x - y * y))]);
    const p = unit(0.9, 0.43);
    const q = unit(0.50001, -0.6);
    const r = unit(0.50003, 0.86);
    const out = run({ useMmr: true, diversity: 0.5, topN: 3 }, [p, q, r], ["p", "q", "r"], new Float32Array([1, 0, 0]));
    expect(out.map((k) => k[0])).toEqual(["p", "q", "r"]);
    expect(out.map((k) => k[1])).toEqual([0.9, 0.5, 0.5]);
    expect(run({ topN: 3 }, [p, q, r], ["p", "q", "r"], new Float32Array([1, 0, 0])).map((k) => k[0])).toEqual(["p", "r", "q"]);
  });
});

describe("Max Sum Distance", () => {
  test("the least similar pair among the nr_candidates most similar, in ascending similarity order", () => {
    // Pool (ascending): d, b, a. Pairs: d-b cos 50° 0.643, d-a cos 40° 0.766, b-a cos 10° 0.985 → d, b.
    expect(run({ useMaxsum: true, topN: 2, nrCandidates: 3 })).toEqual([
      ["d", 0.866],
      ["b", 0.9397],
    ]);
    // With c in the pool: c-d is cos 110° < 0 → c, d.
    expect(run({ useMaxsum: true, topN: 2, nrCandidates: 4 })).toEqual([
      ["c", 0.1736],
      ["d", 0.866],
    ]);
  });

  test("MMR wins when both are asked for, as in KeyBERT", () => {
    expect(run({ useMmr: true, useMaxsum: true, diversity: 1, topN: 3 })).toEqual(run({ useMmr: true, diversity: 1, topN: 3 }));
  });

  test("KeyBERT's edges: top_n above the candidates gives [], nr_candidates below top_n is an error", () => {
    expect(run({ useMaxsum: true, topN: 5, nrCandidates: 20 })).toEqual([]);
    expect(() => run({ useMaxsum: true, topN: 3, nrCandidates: 2 })).toThrow(RangeError);
  });

  test("the combination count is bounded", () => {
    expect(maxSumCombinations(100, 20, 5)).toBe(15504);
    expect(maxSumCombinations(100, 20, 10)).toBe(184756);
    expect(maxSumCombinations(12, 20, 10)).toBe(66); // only 12 candidates: C(12, 10)
    expect(maxSumCombinations(3, 20, 5)).toBe(0);
    expect(maxSumCombinations(100, 30, 10)).toBe(30045015);
    const many = Array.from({ length: 30 }, (_, i) => at(i));
    const words = many.map((_, i) => `w${i}`);
    expect(() => selectKeywords(DOC, many, words, { ...plain, useMaxsum: true, topN: 10, nrCandidates: 30 })).toThrow(/exceeds the limit/);
    expect(selectKeywords(DOC, many, words, { ...plain, useMaxsum: true, topN: 3, nrCandidates: 30, maxSumCombinationLimit: 4060 })).toHaveLength(3);
  });
});

describe("input checks and similarity", () => {
  test("refuses mismatched lists, top_n below 1, diversity outside [0, 1]", () => {
    expect(() => selectKeywords(DOC, EMB, WORDS.slice(1), plain)).toThrow(RangeError);
    expect(() => selectKeywords(DOC, EMB, WORDS, { ...plain, topN: 0 })).toThrow(RangeError);
    expect(() => selectKeywords(DOC, EMB, WORDS, { ...plain, useMmr: true, diversity: 1.5 })).toThrow(RangeError);
    expect(() => selectKeywords(DOC, [new Float32Array(3)], ["x"], plain)).toThrow(RangeError);
  });

  test("cosine is scale-free and symmetric", () => {
    const sims = cosineToAll(
      [2, 0],
      [
        [5, 0],
        [0, 3],
        [-1, 0],
      ],
    );
    expect(Array.from(sims)).toEqual([1, 0, -1]);
    const m = pairwiseCosine([
      [1, 0],
      [1, 1],
    ]);
    expect(m[0]![1]).toBeCloseTo(Math.SQRT1_2, 15);
    expect(m[1]![0]).toBe(m[0]![1]);
  });
});
