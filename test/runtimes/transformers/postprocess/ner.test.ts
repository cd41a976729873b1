/**
 * Token classification (runtimes/transformers/postprocess/ner.ts, ner-group.ts) against
 * Hugging Face's token-classification pipeline, rule by rule. Logits are ln(p) for a chosen
 * distribution p, so softmax gives back p and every expected score is hand-derived from the
 * table of each case (a mean of two or three table entries).
 */
import { describe, expect, test } from "vitest";
import { groupEntities, groupType, splitTag, type Labelled } from "../../../../runtimes/transformers/postprocess/ner-group.js";
import { tokenClassification, type Aggregation, type TokenClassificationInput } from "../../../../runtimes/transformers/postprocess/ner.js";

const LABELS = ["O", "B-PER", "I-PER", "B-LOC", "I-LOC"];

interface Tok {
  /** Token string as the vocabulary spells it. */
  readonly token: string;
  /** Text under the token, found after the previous token; null for a special token. */
  readonly surface: string | null;
  /** Probabilities over LABELS. */
  readonly p: readonly number[];
}

/** Builds a pipeline input: offsets by locating each surface in order, logits = ln(p). */
function encode(text: string, toks: readonly Tok[], extra: Partial<TokenClassificationInput> & { aggregation: Aggregation }): TokenClassificationInput {
  let cursor = 0;
  const offsets = toks.map(({ surface }): [number, number] => {
    if (surface === null) return [0, 0];
    const at = text.indexOf(surface, cursor);
    if (at < 0) throw new Error(`test setup: ${surface} not found after ${cursor}`);
    cursor = at + surface.length;
    return [at, cursor];
  });
  return {
    text,
    logits: new Float32Array(toks.flatMap((t) => t.p.map(Math.log))),
    numLabels: LABELS.length,
    id2label: LABELS,
    tokens: toks.map((t) => t.token),
    offsets,
    special: toks.map((t) => t.surface === null),
    ...extra,
  };
}

const short = (entities: ReturnType<typeof tokenClassification>) =>
  entities.map((e) => [e.entity_type, e.entity_text, Number(e.score.toFixed(6)), e.start, e.end, ...(e.index === undefined ? [] : [e.index])]);

// "Ana Lopez 😀 visited Newark." — WordPiece: the emoji is [UNK], "Newark" is two pieces with
// different labels, "Lopez" is two pieces whose second one says B-PER.
//                 O     B-PER  I-PER  B-LOC  I-LOC
const WORDPIECE_TEXT = "Ana Lopez 😀 visited Newark.";
const WORDPIECE: Tok[] = [
  { token: "[CLS]", surface: null, p: [0.01, 0.01, 0.01, 0.96, 0.01] }, // special: must be skipped whatever it says
  { token: "Ana", surface: "Ana", p: [0.1, 0.8, 0.05, 0.03, 0.02] },
  { token: "Lo", surface: "Lo", p: [0.1, 0.1, 0.7, 0.05, 0.05] },
  { token: "##pez", surface: "pez", p: [0.08, 0.5, 0.4, 0.01, 0.01] },
  { token: "[UNK]", surface: "😀", p: [0.9, 0.025, 0.025, 0.025, 0.025] },
  { token: "visited", surface: "visited", p: [0.95, 0.0125, 0.0125, 0.0125, 0.0125] },
  { token: "New", surface: "New", p: [0.1, 0.05, 0.05, 0.6, 0.2] },
  { token: "##ark", surface: "ark", p: [0.02, 0.03, 0.9, 0.02, 0.03] },
  { token: ".", surface: ".", p: [0.99, 0.0025, 0.0025, 0.0025, 0.0025] },
  { token: "[SEP]", surface: null, p: [0.01, 0.96, 0.01, 0.01, 0.01] },
];
const wordpiece = (aggregation: Aggregation, extra: Partial<TokenClassificationInput> = {}) =>
  tokenClassification(encode(WORDPIECE_TEXT, WORDPIECE, { aggregation, continuingSubwordPrefix: "##", unkToken: "[UNK]", ...extra }));

describe("aggregation none", () => {
  test("one entity per non-O token, raw label, sequence index counting special tokens; UTF-16 offsets after the emoji", () => {
    expect(short(wordpiece("none"))).toEqual([
      ["B-PER", "Ana", 0.8, 0, 3, 1],
      ["I-PER", "Lo", 0.7, 4, 6, 2],
      ["B-PER", "pez", 0.5, 6, 9, 3],
      ["B-LOC", "New", 0.6, 21, 24, 6],
      ["I-PER", "ark", 0.9, 24, 27, 7],
    ]);
  });

  test("ignoreLabels is matched against the raw label", () => {
    expect(short(wordpiece("none", { ignoreLabels: ["O", "B-PER"] })).map((e) => e[0])).toEqual(["I-PER", "B-LOC", "I-PER"]);
    expect(wordpiece("none", { ignoreLabels: [] })).toHaveLength(8);
  });
});

describe("aggregation simple (BIO over tokens)", () => {
  test("I- continues, B- inside a word starts a new entity, a type change splits a word", () => {
    expect(short(wordpiece("simple"))).toEqual([
      ["PER", "Ana Lo", 0.75, 0, 6],
      ["PER", "pez", 0.5, 6, 9],
      ["LOC", "New", 0.6, 21, 24],
      ["PER", "ark", 0.9, 24, 27],
    ]);
  });

  test("O groups are formed, then dropped; with an empty ignore list they are returned", () => {
    const all = short(wordpiece("simple", { ignoreLabels: [] }));
    expect(all.filter((e) => e[0] === "O")).toEqual([
      ["O", "😀 visited", 0.925, 10, 20],
      ["O", ".", 0.99, 27, 28],
    ]);
    expect(short(wordpiece("simple", { ignoreLabels: ["PER"] })).map((e) => e[0])).toEqual(["O", "LOC", "O"]);
  });
});

describe("word aggregation (first / average / max)", () => {
  test("first: a word takes its first token's label", () => {
    expect(short(wordpiece("first"))).toEqual([
      ["PER", "Ana Lopez", 0.75, 0, 9],
      ["LOC", "Newark", 0.6, 21, 27],
    ]);
  });

  test("max: a word takes the label of its most confident token", () => {
    // Lopez: "Lo" (0.7) beats "##pez" (0.5) → I-PER, continuing Ana. Newark: "##ark" (0.9) → I-PER,
    // which cannot continue the O before it, so it is an entity of its own.
    expect(short(wordpiece("max"))).toEqual([
      ["PER", "Ana Lopez", 0.75, 0, 9],
      ["PER", "Newark", 0.9, 21, 27],
    ]);
  });

  test("average: per-label mean over the word's tokens, then its best label", () => {
    // Lopez: I-PER (0.7 + 0.4) / 2 = 0.55 beats B-PER 0.3. Newark: I-PER (0.05 + 0.9) / 2 = 0.475
    // beats B-LOC 0.31. Group Ana + Lopez: (0.8 + 0.55) / 2.
    expect(short(wordpiece("average"))).toEqual([
      ["PER", "Ana Lopez", 0.675, 0, 9],
      ["PER", "Newark", 0.475, 21, 27],
    ]);
  });

  test("[UNK] is never a sub-word; without unkToken its length differs from the emoji, so it joins the word before", () => {
    expect(short(wordpiece("first", { unkToken: undefined }))).toEqual([
      ["PER", "Ana Lopez 😀", 0.75, 0, 12],
      ["LOC", "Newark", 0.6, 21, 27],
    ]);
  });

  test("sub-word lengths are counted in code points, as Python counts them", () => {
    // "xy" over "😀": 2 code points vs 1 (but 2 vs 2 UTF-16 units) → a sub-word of "ab".
    const toks: Tok[] = [
      { token: "ab", surface: "ab", p: [0.1, 0.7, 0.1, 0.05, 0.05] },
      { token: "xy", surface: "😀", p: [0.1, 0.1, 0.1, 0.6, 0.1] },
    ];
    expect(short(tokenClassification(encode("ab😀", toks, { aggregation: "first", continuingSubwordPrefix: "##" })))).toEqual([["PER", "ab😀", 0.7, 0, 4]]);
  });

  test("HF quirk kept: a normaliser that changes a word's length (decomposed accent) makes it a sub-word of the word before", () => {
    // Uncased WordPiece strips the accent: token "zoe" (3) over "Zoe\u0301" (4) → sub-word of "dr",
    // whose O label the word takes under first, so the person is lost; simple still finds it.
    const text = "Dr Zoe\u0301";
    const toks: Tok[] = [
      { token: "dr", surface: "Dr", p: [0.9, 0.025, 0.025, 0.025, 0.025] },
      { token: "zoe", surface: "Zoe\u0301", p: [0.1, 0.8, 0.05, 0.03, 0.02] },
    ];
    expect(tokenClassification(encode(text, toks, { aggregation: "first", continuingSubwordPrefix: "##" }))).toEqual([]);
    expect(short(tokenClassification(encode(text, toks, { aggregation: "simple", continuingSubwordPrefix: "##" })))).toEqual([["PER", "Zoe\u0301", 0.8, 3, 7]]);
  });
});

describe("sub-words without a continuing prefix (SentencePiece / BPE fallback heuristic)", () => {
  // "in Nueva Yo\u0301rk": the last word is "▁Yo" + "\u0301rk" (a combining mark starts the second piece).
  const text = "in Nueva Yo\u0301rk";
  const toks: Tok[] = [
    { token: "<s>", surface: null, p: [0.2, 0.2, 0.2, 0.2, 0.2] },
    { token: "▁in", surface: "in", p: [0.96, 0.01, 0.01, 0.01, 0.01] },
    { token: "▁Nueva", surface: "Nueva", p: [0.04, 0.02, 0.02, 0.9, 0.02] },
    { token: "▁Yo", surface: "Yo", p: [0.1, 0.1, 0.1, 0.1, 0.6] },
    { token: "\u0301rk", surface: "\u0301rk", p: [0.05, 0.7, 0.15, 0.05, 0.05] },
    { token: "</s>", surface: null, p: [0.2, 0.2, 0.2, 0.2, 0.2] },
  ];
  const run = (aggregation: Aggregation) => short(tokenClassification(encode(text, toks, { aggregation })));

  test("simple: the type change mid-word splits it", () => {
    expect(run("simple")).toEqual([
      ["LOC", "Nueva Yo", 0.75, 3, 11],
      ["PER", "\u0301rk", 0.7, 11, 14],
    ]);
  });

  test("a token is a sub-word when neither the character before it nor its first one is a space", () => {
    expect(run("first")).toEqual([["LOC", "Nueva Yo\u0301rk", 0.75, 3, 14]]);
    // max: the B-PER piece (0.7) beats I-LOC (0.6), and a B- cannot continue the LOC.
    expect(run("max")).toEqual([
      ["LOC", "Nueva", 0.9, 3, 8],
      ["PER", "Yo\u0301rk", 0.7, 9, 14],
    ]);
  });

  test("offsets that include the leading space still start a word", () => {
    const spaced: TokenClassificationInput = {
      ...encode(text, toks, { aggregation: "first" }),
      offsets: [
        [0, 0],
        [0, 2],
        [2, 8],
        [8, 11],
        [11, 14],
        [0, 0],
      ],
    };
    expect(short(tokenClassification(spaced))).toEqual([["LOC", " Nueva Yo\u0301rk", 0.75, 2, 14]]);
  });
});

describe("numerics and input checks", () => {
  test("logits in the thousands do not overflow", () => {
    const input: TokenClassificationInput = {
      text: "Bo",
      logits: [1000, 1003, 1000, 1000, 1000],
      numLabels: 5,
      id2label: LABELS,
      tokens: ["Bo"],
      offsets: [[0, 2]],
      special: [false],
      aggregation: "simple",
    };
    const [e] = tokenClassification(input);
    expect(e!.entity_type).toBe("PER");
    expect(e!.score).toBeCloseTo(Math.exp(3) / (Math.exp(3) + 4), 12);
  });

  test("an empty sequence (only special tokens) has no entities", () => {
    const input = encode("", [WORDPIECE[0]!, WORDPIECE[9]!], { aggregation: "average" });
    expect(tokenClassification(input)).toEqual([]);
  });

  test("refuses logits, tokens or offsets that do not fit", () => {
    const ok = encode(WORDPIECE_TEXT, WORDPIECE, { aggregation: "simple" });
    expect(() => tokenClassification({ ...ok, logits: ok.logits instanceof Float32Array ? ok.logits.subarray(5) : [] })).toThrow(RangeError);
    expect(() => tokenClassification({ ...ok, tokens: ok.tokens.slice(1) })).toThrow(RangeError);
    expect(() => tokenClassification({ ...ok, id2label: LABELS.slice(1) })).toThrow(RangeError);
    expect(() => tokenClassification({ ...ok, offsets: ok.offsets.map((o, i) => (i === 1 ? [0, 99] : o)) })).toThrow(RangeError);
    expect(() => tokenClassification({ ...ok, aggregation: "longest" as Aggregation })).toThrow(RangeError);
  });
});

describe("BIO grouping (groupEntities)", () => {
  const item = (label: string, score = 0.5, at = 0): Labelled => ({ label, score, start: at, end: at + 1 });
  const types = (labels: readonly string[]) => groupEntities(labels.map((l, i) => item(l, 0.5, i))).map((g) => `${g.type}@${g.start}-${g.end}`);

  test("I- without a B- opens an entity and continues it", () => expect(types(["I-PER", "I-PER"])).toEqual(["PER@0-2"]));
  test("B- after B- is a new entity", () => expect(types(["B-PER", "B-PER", "I-PER"])).toEqual(["PER@0-1", "PER@1-3"]));
  test("a different type closes the entity", () => expect(types(["B-PER", "I-LOC", "I-LOC"])).toEqual(["PER@0-1", "LOC@1-3"]));
  test("O between two I- of one type splits them", () => expect(types(["I-PER", "O", "I-PER"])).toEqual(["PER@0-1", "O@1-2", "PER@2-3"]));
  test("labels without a B-/I- prefix continue like I-", () => expect(types(["B-PER", "PER", "MISC", "MISC"])).toEqual(["PER@0-2", "MISC@2-4"]));
  test("other prefixes are part of the tag but not of the name (HF's split on the first hyphen)", () => {
    expect(splitTag("E-PER")).toEqual({ bi: "I", tag: "E-PER" });
    expect(groupType("E-PER")).toBe("PER");
    expect(types(["B-PER", "E-PER"])).toEqual(["PER@0-1", "PER@1-2"]);
  });
  test("score is the NaN-skipping mean; start and end span the members", () => {
    const [g] = groupEntities([item("B-LOC", 0.9, 0), item("I-LOC", Number.NaN, 2), item("I-LOC", 0.6, 5)]);
    expect(g).toEqual({ type: "LOC", score: 0.75, start: 0, end: 6 });
  });
  test("nothing in, nothing out", () => expect(groupEntities([])).toEqual([]));
});
