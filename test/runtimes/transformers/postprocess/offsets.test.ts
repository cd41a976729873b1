/**
 * Code-point → UTF-16 offsets (runtimes/transformers/postprocess/offsets.ts). The last test
 * pins the reason the function exists: the `tokenizers` binding reports code points.
 */
import { createRequire } from "node:module";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { codePointToUtf16Offsets } from "../../../../runtimes/transformers/postprocess/offsets.js";

describe("codePointToUtf16Offsets", () => {
  test("astral characters take two units, everything after them shifts", () => {
    const text = "😀😀 ab 😀 x é";
    const cp: [number, number][] = [
      [0, 2],
      [3, 4],
      [4, 5],
      [6, 7],
      [8, 9],
      [10, 11],
    ];
    const units = codePointToUtf16Offsets(text, cp);
    expect(units).toEqual([
      [0, 4],
      [5, 6],
      [6, 7],
      [8, 10],
      [11, 12],
      [13, 14],
    ]);
    expect(units.map(([s, e]) => text.slice(s, e))).toEqual(["😀😀", "a", "b", "😀", "x", "é"]);
  });

  test("BMP-only text (combining marks included) is unchanged; [0, 0] stays [0, 0]", () => {
    const text = "Zoe\u0301 a";
    expect(
      codePointToUtf16Offsets(text, [
        [0, 0],
        [0, 4],
        [5, 6],
        [6, 6],
      ]),
    ).toEqual([
      [0, 0],
      [0, 4],
      [5, 6],
      [6, 6],
    ]);
  });

  test("the slice under converted offsets is the code-point slice, for any text", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 30 }), fc.nat(), fc.nat(), (text, a, b) => {
        const points = Array.from(text);
        const s = a % (points.length + 1);
        const e = s + (b % (points.length - s + 1));
        const [[us, ue]] = codePointToUtf16Offsets(text, [[s, e]]) as [[number, number]];
        expect(text.slice(us, ue)).toBe(points.slice(s, e).join(""));
      }),
      { numRuns: 300 },
    );
  });

  test("an offset past the text is an error", () => {
    expect(() => codePointToUtf16Offsets("😀", [[0, 2]])).toThrow(RangeError);
    expect(() => codePointToUtf16Offsets("ab", [[-1, 1]])).toThrow(RangeError);
  });

  test("the tokenizers binding reports offsets in code points (why this conversion is needed)", async () => {
    const { Tokenizer } = createRequire(import.meta.url)("tokenizers") as typeof import("tokenizers");
    const tokenizer = Tokenizer.fromString(
      JSON.stringify({
        version: "1.0",
        truncation: null,
        padding: null,
        added_tokens: [],
        normalizer: null,
        pre_tokenizer: { type: "Whitespace" },
        post_processor: null,
        decoder: null,
        model: { type: "WordLevel", vocab: { "[UNK]": 0, ab: 1 }, unk_token: "[UNK]" },
      }),
    );
    const encoding = await tokenizer.encode("😀 ab");
    expect(encoding.getOffsets()).toEqual([
      [0, 1],
      [2, 4],
    ]); // UTF-16 would be [0, 2], [3, 5]
  });
});
