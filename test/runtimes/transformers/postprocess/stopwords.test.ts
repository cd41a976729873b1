/** The English stop-word list (runtimes/transformers/postprocess/stopwords.ts). */
import { expect, test } from "vitest";
import { englishStopWords } from "../../../../runtimes/transformers/postprocess/stopwords.js";

test("stdlib's English list, lower-case, loaded once", () => {
  const words = englishStopWords();
  expect(words.size).toBe(301);
  for (const w of ["the", "and", "of", "about"]) expect(words.has(w)).toBe(true);
  for (const w of ["keyword", "model"]) expect(words.has(w)).toBe(false);
  expect([...words].every((w) => w === w.toLowerCase())).toBe(true);
  expect(englishStopWords()).toBe(words);
});
