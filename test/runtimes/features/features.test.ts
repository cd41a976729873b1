/**
 * Pinned vectors for the shared featurizers (runtimes/features). The trainer and the
 * server both call this code, and the Python twin must reproduce these numbers, so any
 * change here is a model-breaking change. Hash values are the published FNV-1a 32-bit
 * test vectors and values computed independently with Python.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { createFeaturizer, encodeHashedNgrams, fnv1aUtf8, fnv1aUtf8From, tokenize } from "../../../runtimes/features/index.js";

const opts = { dims: 16, ngrams: [1, 2] as const, lowercase: true, maxChars: 1000 };

describe("fnv1aUtf8", () => {
  test.each([
    ["", 0x811c9dc5],
    ["a", 0xe40c292c],
    ["foobar", 0xbf9cf968],
    ["hello world", 0xd58b3fa7],
    ["héllo", 0x4aa48540],
    ["日本", 0x9f26ee51],
    ["😀", 0x33a29608],
  ])("%j hashes like FNV-1a over its UTF-8 bytes", (s, h) => {
    expect(fnv1aUtf8(s)).toBe(h);
  });
});

test("fnv1aUtf8From continues a hash: h(a) then b equals h(a + b)", () => {
  for (const [a, b] of [
    ["free", " money"],
    ["", "x"],
    ["日", "本"],
    ["a😀", " é"],
  ] as const) {
    expect(fnv1aUtf8From(fnv1aUtf8(a), b)).toBe(fnv1aUtf8(a + b));
  }
});

describe("tokenize", () => {
  test("keeps runs of Unicode letters and digits, lower-cased", () => {
    expect(tokenize("Hello, WORLD! It's 2024 — naïve café 日本語", { lowercase: true, maxChars: 100 })).toEqual(["hello", "world", "it", "s", "2024", "naïve", "café", "日本語"]);
  });
  test("truncates to maxChars before tokenizing and keeps case when asked", () => {
    expect(tokenize("Alpha Beta Gamma", { lowercase: false, maxChars: 8 })).toEqual(["Alpha", "Be"]);
  });
});

describe("hashed n-grams", () => {
  test("counts unigrams and bigrams into FNV buckets, L2-normalised", () => {
    // free→11 ×2, money→15 ×2, now→7, "free money"→3 ×2, "money free"→3, "money now"→15.
    const out = new Float32Array(16);
    encodeHashedNgrams("Free money, free MONEY now", opts, out, 0);
    const n = Math.sqrt(3 * 3 + 1 + 2 * 2 + 3 * 3);
    const want = new Float32Array(16);
    want[3] = 3 / n;
    want[7] = 1 / n;
    want[11] = 2 / n;
    want[15] = 3 / n;
    expect(Array.from(out)).toEqual(Array.from(want));
  });

  test("trigrams hash the space-joined words", () => {
    const out = new Float32Array(64);
    encodeHashedNgrams("a b c", { dims: 64, ngrams: [3, 3], lowercase: true, maxChars: 100 }, out, 0);
    expect(out[fnv1aUtf8("a b c") % 64]).toBe(1);
  });

  test("empty text gives a zero row (no NaN from normalising)", () => {
    const out = new Float32Array(16);
    encodeHashedNgrams("  ,,, ", opts, out, 0);
    expect(Array.from(out)).toEqual(new Array(16).fill(0));
  });

  test("writes at an offset and leaves neighbours alone", () => {
    const f = createFeaturizer({ kind: "hashed-ngrams", input: "body", ...opts });
    const out = new Float32Array(48).fill(0);
    f.encode({ body: "free" }, out, 16);
    expect(f.width).toBe(16);
    expect(out[16 + 11]).toBe(1);
    expect(out.slice(0, 16).every((v) => v === 0) && out.slice(32).every((v) => v === 0)).toBe(true);
  });
});

/** The featurizer as its doc comment states it, written the slow obvious way. */
function reference(text: string, o: { dims: number; ngrams: readonly [number, number]; lowercase: boolean; maxChars: number }): Float32Array {
  const tokens = tokenize(text, o);
  const out = new Float32Array(o.dims);
  for (let n = o.ngrams[0]; n <= o.ngrams[1]; n++) {
    for (let i = 0; i + n <= tokens.length; i++) out[fnv1aUtf8(tokens.slice(i, i + n).join(" ")) % o.dims]! += 1;
  }
  let sq = 0;
  for (let j = 0; j < o.dims; j++) sq += out[j]! * out[j]!;
  if (sq > 0) for (let j = 0; j < o.dims; j++) out[j]! *= 1 / Math.sqrt(sq);
  return out;
}

test("the fast encoder equals the reference definition bit for bit, on any text", () => {
  const words = fc.constantFrom("free", "Money", "naïve", "日本", "😀", "a", "b", "1999", "x-y", "don't", " ", ",", "\n");
  fc.assert(
    fc.property(fc.array(words, { maxLength: 60 }), fc.constantFrom<[number, number]>([1, 1], [1, 2], [2, 3], [1, 5]), fc.constantFrom(16, 97, 4096), (parts, ngrams, dims) => {
      const text = parts.join(" ");
      const o = { dims, ngrams, lowercase: true, maxChars: 10_000 };
      const out = new Float32Array(dims);
      encodeHashedNgrams(text, o, out, 0);
      expect(Array.from(out)).toEqual(Array.from(reference(text, o)));
    }),
    { numRuns: 300 },
  );
});

describe("shared vectors (test/fixtures/lifecycle/hashed-ngrams-vectors.json)", () => {
  const fixture = JSON.parse(fs.readFileSync(path.join(import.meta.dirname, "../../fixtures/lifecycle/hashed-ngrams-vectors.json"), "utf8")) as {
    cases: { text: string; dims: number; ngrams: [number, number]; lowercase: boolean; maxChars: number; nonzero: Record<string, number> }[];
  };

  test.each(fixture.cases.map((c) => [JSON.stringify(c.text).slice(0, 40), c] as const))("TypeScript reproduces %s", (_, c) => {
    const out = new Float32Array(c.dims);
    encodeHashedNgrams(c.text, c, out, 0);
    const nonzero: Record<string, number> = {};
    out.forEach((v, i) => {
      if (v !== 0) nonzero[String(i)] = v;
    });
    expect(nonzero).toEqual(c.nonzero);
  });

  test("an independent Python implementation reproduces every case exactly", () => {
    const python = process.env.PYTHON ?? "/usr/bin/python3";
    const dir = path.join(import.meta.dirname, "../../fixtures/lifecycle");
    const out = execFileSync(python, [path.join(dir, "hashed_ngrams_reference.py"), path.join(dir, "hashed-ngrams-vectors.json")], { encoding: "utf8" });
    expect(out.trim()).toBe(`${fixture.cases.length} of ${fixture.cases.length} cases match`);
  });
});

describe("tabular packing", () => {
  test("packs the named columns in order, raw (standardisation lives in the graph)", () => {
    const f = createFeaturizer({ kind: "standardize", columns: ["b", "a", "c"] });
    const out = new Float32Array(3);
    f.encode({ a: 1.5, b: "2", c: -3, extra: 9 }, out, 0);
    expect(f.width).toBe(3);
    expect(Array.from(out)).toEqual([2, 1.5, -3]);
  });
});
