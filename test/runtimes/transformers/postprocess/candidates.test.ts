/**
 * KeyBERT's candidate keyphrases (runtimes/transformers/postprocess/candidates.ts), following
 * sklearn's CountVectorizer as KeyBERT configures it. The tokenizer is also checked against
 * Python's own `re` with sklearn's token pattern on awkward Unicode text.
 */
import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { analyze, candidateKeyphrases, compareCodePoints, type CandidateOptions } from "../../../../runtimes/transformers/postprocess/candidates.js";

const PYTHON = process.env.PYTHON ?? "/usr/bin/python3";
const base: CandidateOptions = { ngramRange: [1, 1], stopWords: null, minDf: 1 };

/** Each document's candidate strings. */
const perDoc = (docs: readonly string[], options: Partial<CandidateOptions> = {}) => {
  const set = candidateKeyphrases(docs, { ...base, ...options });
  return set.perDocument.map((cols) => cols.map((c) => set.phrases[c]!));
};

describe("analyze (the CountVectorizer analyser)", () => {
  test("lower-cases and keeps tokens of two or more word characters", () => {
    expect(analyze("The quick (brown) fox, a I 42 x_y!", base)).toEqual(["the", "quick", "brown", "fox", "42", "x_y"]);
  });

  test("stop words go before n-grams are formed", () => {
    const o = { ngramRange: [1, 2] as const, stopWords: new Set(["of", "the"]) };
    expect(analyze("State of the art", o)).toEqual(["state", "art", "state art"]);
  });

  test("n-gram ranges: unigrams first, then each length, left to right", () => {
    expect(analyze("aa bb cc", { ...base, ngramRange: [1, 3] })).toEqual(["aa", "bb", "cc", "aa bb", "bb cc", "aa bb cc"]);
    expect(analyze("aa bb cc", { ...base, ngramRange: [2, 3] })).toEqual(["aa bb", "bb cc", "aa bb cc"]);
    expect(analyze("aa bb", { ...base, ngramRange: [3, 4] })).toEqual([]);
  });

  test("lowercase: false keeps case, so a lower-case stop word no longer matches", () => {
    expect(analyze("The cat", { ...base, lowercase: false, stopWords: new Set(["the"]) })).toEqual(["The", "cat"]);
  });

  test("combining marks are not word characters (as in Python's re); precomposed letters are", () => {
    expect(analyze("cafe\u0301 naïve 😀x 𝐀𝐁", base)).toEqual(["cafe", "naïve", "𝐀𝐁"]);
  });

  test("tokens match Python's re.findall(r'(?u)\\b\\w\\w+\\b', doc.lower()) on Unicode soup", () => {
    const pieces = ["a", "Bc", "_", "9", "½", "Ⅻ", "é", "e\u0301", "中文", "İ", "ΟΔΟΣ", "𝐀", "😀", " ", "-", "'", ".", "\u00a0", "\t", "x"];
    const docs = fc.sample(
      fc.array(fc.constantFrom(...pieces), { maxLength: 12 }).map((p) => p.join("")),
      { numRuns: 300, seed: 11 },
    );
    const script = "import json,re,sys; p=re.compile(r'(?u)\\b\\w\\w+\\b'); print(json.dumps([p.findall(d.lower()) for d in json.load(sys.stdin)]))";
    const python = JSON.parse(execFileSync(PYTHON, ["-c", script], { input: JSON.stringify(docs), encoding: "utf8" })) as string[][];
    expect(docs.map((d) => analyze(d, base))).toEqual(python);
  });
});

describe("candidateKeyphrases", () => {
  test("vocabulary sorted, each document's candidates are the terms it contains, in vocabulary order", () => {
    expect(perDoc(["the zebra and the apple", "apple mango"])).toEqual([
      ["and", "apple", "the", "zebra"],
      ["apple", "mango"],
    ]);
  });

  test("one vocabulary over all documents: phrases are shared, indices point into them", () => {
    const set = candidateKeyphrases(["beta alpha", "alpha gamma"], base);
    expect(set.phrases).toEqual(["alpha", "beta", "gamma"]);
    expect(set.perDocument).toEqual([
      [0, 1],
      [0, 2],
    ]);
    expect(set.truncated).toEqual([false, false]);
  });

  test("minDf counts documents across the call", () => {
    const docs = ["apple banana", "banana cherry", "banana apple apple"];
    expect(perDoc(docs, { minDf: 2 })).toEqual([["apple", "banana"], ["banana"], ["apple", "banana"]]);
    expect(perDoc(docs, { minDf: 3 })).toEqual([["banana"], ["banana"], ["banana"]]);
    expect(perDoc(docs, { minDf: 4 })).toEqual([[], [], []]);
    // A proportion below 1: 0.5 × 3 documents → at least 1.5 documents.
    expect(perDoc(docs, { minDf: 0.5 })).toEqual(perDoc(docs, { minDf: 2 }));
  });

  test("stop words and n-grams together", () => {
    expect(perDoc(["The state of the art in machine learning"], { ngramRange: [1, 2], stopWords: new Set(["the", "of", "in"]) })).toEqual([
      ["art", "art machine", "learning", "machine", "machine learning", "state", "state art"],
    ]);
  });

  test("given vocabulary: its order is kept, minDf ignored, only analyser-shaped terms can match", () => {
    const vocabulary = ["learning", "deep learning", "Deep", "machine", "state of art"];
    const docs = ["Deep learning beats machine learning", "nothing here"];
    expect(perDoc(docs, { vocabulary, ngramRange: [1, 2], minDf: 5 })).toEqual([["learning", "deep learning", "machine"], []]);
    expect(() => candidateKeyphrases(docs, { ...base, vocabulary: ["aa", "aa"] })).toThrow(RangeError);
  });

  test("terms sort by code point, as Python sorts (JavaScript's < puts astral letters first)", () => {
    expect(perDoc(["𝐀𝐁 ｚｚ zz"])).toEqual([["zz", "ｚｚ", "𝐀𝐁"]]);
    expect(["𝐀𝐁", "ｚｚ"].sort()).toEqual(["𝐀𝐁", "ｚｚ"]); // the order it must not use
    expect(compareCodePoints("ab", "abc")).toBeLessThan(0);
    expect(compareCodePoints("b", "ab")).toBeGreaterThan(0);
  });

  test("maxCandidates keeps a document's most frequent terms (ties: earlier term), still in vocabulary order", () => {
    const docs = ["delta gamma beta gamma beta gamma alpha", "alpha delta"];
    const set = candidateKeyphrases(docs, { ...base, maxCandidates: 2 });
    // doc 0: gamma ×3, beta ×2, then alpha and delta ×1 dropped; doc 1: alpha, delta (no cut).
    expect(set.perDocument.map((cols) => cols.map((c) => set.phrases[c]))).toEqual([
      ["beta", "gamma"],
      ["alpha", "delta"],
    ]);
    expect(set.truncated).toEqual([true, false]);
    const tie = candidateKeyphrases(["cc bb aa"], { ...base, maxCandidates: 2 });
    expect(tie.phrases).toEqual(["aa", "bb"]);
  });

  test("only phrases some document keeps are returned, so the server embeds no more than it needs", () => {
    const set = candidateKeyphrases(["zz yy yy", "xx"], { ...base, maxCandidates: 1 });
    expect(set.phrases).toEqual(["xx", "yy"]);
    expect(set.perDocument).toEqual([[1], [0]]);
  });

  test("empty documents, stop-word-only documents and no documents", () => {
    expect(perDoc(["", "the of", "real words"], { stopWords: new Set(["the", "of"]) })).toEqual([[], [], ["real", "words"]]);
    expect(perDoc(["the of"], { stopWords: new Set(["the", "of"]) })).toEqual([[]]);
    expect(candidateKeyphrases([], base)).toEqual({ phrases: [], perDocument: [], truncated: [] });
  });

  test("invalid options are refused", () => {
    expect(() => candidateKeyphrases(["aa"], { ...base, ngramRange: [2, 1] })).toThrow(RangeError);
    expect(() => candidateKeyphrases(["aa"], { ...base, ngramRange: [0, 1] })).toThrow(RangeError);
    expect(() => candidateKeyphrases(["aa"], { ...base, minDf: 2.5 })).toThrow(RangeError);
    expect(() => candidateKeyphrases(["aa"], { ...base, maxCandidates: 0 })).toThrow(RangeError);
  });
});
