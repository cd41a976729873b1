/** Sentence splitting and entity re-basing (runtimes/transformers/postprocess/sentences.ts). */
import { describe, expect, test } from "vitest";
import { rebaseEntities, splitSentences } from "../../../../runtimes/transformers/postprocess/sentences.js";

const spans = (text: string, opts?: Parameters<typeof splitSentences>[1]) => splitSentences(text, opts).map((s) => [s.text, s.start, s.end, s.index]);

describe("splitSentences", () => {
  test("sentences with exact offsets, surrounding white space trimmed", () => {
    expect(spans("  Hello world. How are you?\n\nFine!  ")).toEqual([
      ["Hello world.", 2, 14, 0],
      ["How are you?", 15, 27, 1],
      ["Fine!", 29, 34, 2],
    ]);
  });

  test("white space only or empty gives no sentences", () => {
    expect(splitSentences("")).toEqual([]);
    expect(splitSentences(" \n\t ")).toEqual([]);
  });

  test("offsets are UTF-16 and exact around emoji and combining marks", () => {
    const text = "Zoe\u0301 est là 😀. Ça va? Oui.";
    const out = splitSentences(text);
    expect(out.map((s) => s.text)).toEqual(["Zoe\u0301 est là 😀.", "Ça va?", "Oui."]);
    for (const s of out) expect(text.slice(s.start, s.end)).toBe(s.text);
    expect(out[1]!.start).toBe(16); // Z o e ◌́ ␠ e s t ␠ l à ␠ 😀(2) . ␠
  });

  test("maxChars cuts a long piece at the last white space that fits", () => {
    expect(spans("aaa bbb ccc ddd", { maxChars: 8 })).toEqual([
      ["aaa bbb", 0, 7, 0],
      ["ccc ddd", 8, 15, 1],
    ]);
  });

  test("maxChars cuts hard inside a run without white space, never inside a surrogate pair", () => {
    expect(spans("abcdefg", { maxChars: 3 }).map((s) => s[0])).toEqual(["abc", "def", "g"]);
    const emoji = splitSentences("😀😀😀", { maxChars: 3 });
    expect(emoji.map((s) => [s.text, s.start])).toEqual([
      ["😀", 0],
      ["😀", 2],
      ["😀", 4],
    ]);
  });

  test("maxChars below 2 is refused (a surrogate pair would not fit)", () => {
    expect(() => splitSentences("ab", { maxChars: 1 })).toThrow(RangeError);
  });
});

describe("rebaseEntities", () => {
  test("shifts offsets by the sentence start and records the sentence; other fields unchanged", () => {
    const doc = "Hi. Ana met Bo.";
    const [, second] = splitSentences(doc);
    const found = [{ entity_type: "PER", entity_text: "Ana", score: 0.9, start: 0, end: 3 }];
    const [e] = rebaseEntities(found, second!.start, second!.index);
    expect(e).toEqual({ entity_type: "PER", entity_text: "Ana", score: 0.9, start: 4, end: 7, sentence_index: 1 });
    expect(doc.slice(e!.start, e!.end)).toBe(e!.entity_text);
  });
});
