/**
 * Pipeline parity: mesh's served answers (runtimes/transformers: tokenizer → batched ONNX
 * session → tasks/*.ts) against transformers.js's own pipelines on the same model folders,
 * staged in the layout transformers.js loads (`<name>/onnx/model.onnx`), local files only and
 * fetch() forbidden. transformers.js tokenizes with tokenizers.js, pads and post-processes by
 * its own code; the two share only onnxruntime-node (the torch parity test covers the model).
 *
 * Documented differences, asserted as such:
 * - token-classification: transformers.js gives no character offsets (`start`/`end` absent;
 *   its source says "TODO: Add support for start and end"), only `word`, the token decoded
 *   back (aggregation none: one token, so a sub-word keeps its "##"; simple: the group's ids
 *   decoded, words joined by spaces, clean_up_tokenization_spaces applied). mesh's
 *   `entity_text` is `text.slice(start, end)`. So spans are compared as: mesh's offsets equal
 *   the tokenizer's offsets of the token transformers.js names by `index` (none), and the
 *   text under them equals `word` without "##" (none) or without white space (simple).
 * - transformers.js drops every token whose decoded form is empty, i.e. every special id —
 *   including [UNK], which the builder's tokenizer lists as special. mesh (like Python's
 *   pipeline, which only drops the special-tokens mask) keeps an [UNK] that the model labels
 *   an entity. Asserted exactly below.
 * - transformers.js applies `ignore_labels` to tokens BEFORE grouping (aggregation simple), so
 *   "B-PER O I-PER" becomes one PER group; mesh and Python group first and drop O groups
 *   after. The simple comparison calls transformers.js with `ignore_labels: []` and drops the
 *   "O" groups itself; the default's different answer is asserted too.
 * - transformers.js supports only aggregation none and simple (first/average/max throw).
 */
import { AutoTokenizer, env, pipeline } from "@huggingface/transformers";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { rawOutputs } from "../../../runtimes/transformers/pipeline.js";
import type { OpenedTransformer } from "../../../runtimes/transformers/open.js";
import { candidateKeyphrases } from "../../../runtimes/transformers/postprocess/candidates.js";
import { tokenClassification } from "../../../runtimes/transformers/postprocess/ner.js";
import { englishStopWords } from "../../../runtimes/transformers/postprocess/stopwords.js";
import type { Encoded } from "../../../runtimes/transformers/tokenizer.js";
import { factsOf, forbidNetwork, maxAbsDiff, MODEL_NAMES, modelDir, openMesh, predictEach, servingFor, stageForTransformersJs } from "../../support/transformers/parity-models.js";
import { keywordDocs, nerTexts, sentimentTexts } from "../../support/transformers/parity-texts.js";

const TOL = 1e-4;

// transformers.js's pipeline types depend on literal options; the tests read the answers as the interfaces below.
type AnyPipeline = ((texts: string | string[], options?: Record<string, unknown>) => Promise<any>) & { dispose(): Promise<void> };

let stage: ReturnType<typeof stageForTransformersJs>;
let allowNetwork: () => void;
const opened: OpenedTransformer[] = [];
const pipes: AnyPipeline[] = [];

async function tjsPipeline(task: string, name: string): Promise<AnyPipeline> {
  const p = (await pipeline(task as "text-classification", name, { dtype: "fp32", device: "cpu", local_files_only: true } as never)) as unknown as AnyPipeline;
  pipes.push(p);
  return p;
}

async function mesh(name: (typeof MODEL_NAMES)[number], ...args: Parameters<typeof servingFor> extends [string, ...infer R] ? R : never): Promise<OpenedTransformer> {
  const o = await openMesh(modelDir(name), servingFor(modelDir(name), ...args));
  opened.push(o);
  return o;
}

beforeAll(() => {
  stage = stageForTransformersJs(MODEL_NAMES);
  allowNetwork = forbidNetwork();
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = stage.root;
  env.useFSCache = false;
});

afterAll(async () => {
  for (const o of opened) await o.release();
  for (const p of pipes) await p.dispose();
  allowNetwork?.();
  stage?.release();
});

describe("text-classification: projects/sentiment/model", () => {
  const texts = sentimentTexts();
  let m: OpenedTransformer;
  let tjs: AnyPipeline;
  beforeAll(async () => {
    m = await mesh("sentiment", "text-classification");
    tjs = await tjsPipeline("text-classification", "sentiment");
  });

  const compare = (meshAnswers: readonly Record<string, unknown>[], tjsAnswers: readonly { label: string; score: number }[][]) => {
    expect(meshAnswers).toHaveLength(texts.length);
    let worst = 0;
    texts.forEach((text, i) => {
      const ours = meshAnswers[i] as { label: string; score: number; scores: Record<string, number> };
      const theirs = tjsAnswers[i]!;
      expect(ours.label, text).toBe(theirs[0]!.label);
      expect(Object.keys(ours.scores).sort()).toEqual(theirs.map((s) => s.label).sort());
      for (const { label, score } of theirs) worst = Math.max(worst, Math.abs(ours.scores[label]! - score));
      expect(Math.abs(ours.score - theirs[0]!.score)).toBeLessThanOrEqual(TOL);
    });
    expect(worst).toBeLessThanOrEqual(TOL);
    return worst;
  };

  test("labels identical and every label's score within 1e-4, one text per call", async () => {
    const ours = await predictEach(m, texts);
    const theirs: { label: string; score: number }[][] = [];
    for (const t of texts) theirs.push(await tjs(t, { top_k: null }));
    compare(ours, theirs);
  });

  test("the same in one padded batch on both sides", async () => {
    const batch = (await m.pipeline.predict({ rows: texts.map((content) => ({ content })), parameters: {}, batch: true }, Infinity)) as Record<string, unknown[]>;
    const ours = texts.map((_, i) => ({ label: batch["label"]![i], score: batch["score"]![i], scores: batch["scores"]![i] }));
    compare(ours, await tjs(texts, { top_k: null }));
  });

  test("the model is not constant: the samples do not all get one label", async () => {
    const labels = new Set((await predictEach(m, texts.slice(0, 6))).map((a) => a["label"]));
    expect(labels.size).toBeGreaterThan(1);
  });
});

interface TjsToken {
  entity: string;
  score: number;
  index: number;
  word: string;
  start?: number;
  end?: number;
}
interface TjsGroup {
  entity_group: string;
  score: number;
  word: string;
  start?: number;
  end?: number;
}
interface MeshEntity {
  entity_type: string;
  entity_text: string;
  score: number;
  start: number;
  end: number;
  sentence_index: number;
}

const noSpace = (s: string) => s.replace(/\s+/g, "");

describe("token-classification: projects/ner/model", () => {
  const texts = nerTexts();
  let m: OpenedTransformer;
  let tjs: AnyPipeline;
  let unk: string;
  let encodings: Encoded[];
  const entitiesOf = async (text: string, aggregation: string): Promise<MeshEntity[]> =>
    ((await m.pipeline.predict({ rows: [{ content: text }], parameters: { aggregation }, batch: false }, Infinity)) as { entities: MeshEntity[] }).entities;

  beforeAll(async () => {
    // One sequence per text, as transformers.js reads it (sentence splitting is tested below).
    m = await mesh("ner", "token-classification", { splitSentences: false });
    tjs = await tjsPipeline("token-classification", "ner");
    unk = m.pipeline.context(Infinity).tokenizer.unkToken!;
    encodings = await m.pipeline.context(Infinity).tokenizer.encode(texts, { maxLength: 128, truncate: false, detail: true });
    expect(encodings.every((e) => e.ids.length <= 128)).toBe(true);
  });

  test("transformers.js gives no character offsets (so spans are compared through the tokens)", async () => {
    const none = (await tjs(texts[0]!, { ignore_labels: [] })) as TjsToken[];
    const simple = (await tjs(texts[0]!, { aggregation_strategy: "simple", ignore_labels: [] })) as TjsGroup[];
    expect(none.length).toBeGreaterThan(0);
    expect(none.every((t) => t.start === undefined && t.end === undefined)).toBe(true);
    expect(simple.every((t) => t.start === undefined && t.end === undefined)).toBe(true);
    await expect(tjs(texts[0]!, { aggregation_strategy: "first" })).rejects.toThrow(/aggregation_strategy/);
  });

  test("aggregation none: same tokens, labels, scores within 1e-4, spans = the token's offsets", async () => {
    let worst = 0;
    let compared = 0;
    let unknown = 0;
    for (const [i, text] of texts.entries()) {
      const enc = encodings[i]!;
      const ours = await entitiesOf(text, "none");
      const theirs = (await tjs(text)) as TjsToken[];
      // Token index of each mesh entity: the non-special token with exactly its offsets.
      const indexOf = (e: MeshEntity) => enc.offsets!.findIndex(([s, end], k) => !enc.special![k] && s === e.start && end === e.end);
      const ourTokens = ours.map((e) => ({ e, k: indexOf(e) }));
      expect(
        ourTokens.every(({ k }) => k > 0),
        text,
      ).toBe(true);
      // The documented difference: transformers.js drops [UNK] tokens; nothing else differs.
      const kept = ourTokens.filter(({ k }) => enc.tokens![k] !== unk);
      unknown += ourTokens.length - kept.length;
      expect(
        kept.map(({ k }) => k),
        text,
      ).toEqual(theirs.map((t) => t.index));
      kept.forEach(({ e, k }, j) => {
        const t = theirs[j]!;
        expect(e.entity_type).toBe(t.entity);
        worst = Math.max(worst, Math.abs(e.score - t.score));
        expect(e.entity_text).toBe(text.slice(e.start, e.end));
        expect([e.start, e.end]).toEqual(enc.offsets![k]);
        // A sub-word's word keeps "##"; the cased tokenizer leaves the covered text as it is,
        // but for the characters clean_text removes (soft hyphen, zero-width space).
        expect(t.word.replace(/^##/, ""), text).toBe(e.entity_text.replace(/[\u00ad\u200b]/g, ""));
        compared++;
      });
    }
    expect(worst).toBeLessThanOrEqual(TOL);
    expect(compared).toBeGreaterThan(50);
    console.info(`ner none: ${compared} entity tokens compared, max |Δscore| ${worst.toExponential(2)}; ${unknown} [UNK] entity tokens only mesh reports`);
  });

  test("aggregation simple: same entities and scores within 1e-4; entity_text is the exact substring", async () => {
    let worst = 0;
    let compared = 0;
    let unkTexts = 0;
    let unkDiffer = 0;
    for (const [i, text] of texts.entries()) {
      const enc = encodings[i]!;
      const ours = await entitiesOf(text, "simple");
      // Python's order: group every token, then drop the O groups.
      const theirs = ((await tjs(text, { aggregation_strategy: "simple", ignore_labels: [] })) as TjsGroup[]).filter((g) => g.entity_group !== "O");
      const expected = theirs.map((g) => ({ entity_type: g.entity_group, score: g.score }));
      if (enc.tokens!.includes(unk)) {
        // transformers.js's grouping never sees [UNK] tokens. On the same logits, mesh's
        // served answer is tokenClassification with the tokenizer's special-tokens mask, and
        // transformers.js's is the same with every [UNK] masked as well.
        unkTexts++;
        const [out] = await m.pipeline.context(Infinity).run([enc]);
        const tag = (special: readonly boolean[]) =>
          tokenClassification({
            text,
            logits: out!.data,
            numLabels: m.labels.length,
            id2label: m.labels,
            tokens: enc.tokens!,
            offsets: enc.offsets!,
            special,
            continuingSubwordPrefix: "##",
            unkToken: unk,
            aggregation: "simple",
          });
        expect(ours.map((e) => [e.entity_type, e.start, e.end, e.score])).toEqual(tag(enc.special!).map((e) => [e.entity_type, e.start, e.end, e.score]));
        const dropped = tag(enc.special!.map((s, k) => s || enc.tokens![k] === unk));
        expect(
          dropped.map((e) => e.entity_type),
          text,
        ).toEqual(theirs.map((g) => g.entity_group));
        dropped.forEach((e, j) => {
          worst = Math.max(worst, Math.abs(e.score - theirs[j]!.score));
          expect(noSpace(theirs[j]!.word.replace(/^##/, ""))).toBe(noSpace(e.entity_text).replace(/[\u00ad\u200b]/g, ""));
        });
        if (JSON.stringify(dropped) !== JSON.stringify(ours.map(({ sentence_index: _, ...e }) => e))) unkDiffer++;
        continue;
      }
      expect(
        ours.map((e) => e.entity_type),
        text,
      ).toEqual(expected.map((e) => e.entity_type));
      ours.forEach((e, j) => {
        worst = Math.max(worst, Math.abs(e.score - expected[j]!.score));
        expect(e.entity_text).toBe(text.slice(e.start, e.end));
        // word is the group decoded (spaces between words, "##" kept on a leading sub-word);
        // without white space it is the covered text, less what clean_text removes.
        expect(noSpace(theirs[j]!.word.replace(/^##/, "")), text).toBe(noSpace(e.entity_text).replace(/[\u00ad\u200b]/g, ""));
        compared++;
      });
    }
    expect(worst).toBeLessThanOrEqual(TOL);
    expect(compared).toBeGreaterThan(20);
    expect(unkTexts).toBeGreaterThan(0);
    console.info(
      `ner simple: ${compared} entities compared, max |Δscore| ${worst.toExponential(2)}; ${unkTexts} texts with [UNK] compared through the mask, ${unkDiffer} of them answered differently by the two`,
    );
  });

  test("transformers.js's default simple (O dropped before grouping) = mesh's none tokens grouped without their O's", async () => {
    let differs = 0;
    for (const text of texts) {
      const enc = encodings[texts.indexOf(text)]!;
      if (enc.tokens!.includes(unk)) continue; // covered above
      const tokens = await entitiesOf(text, "none");
      const theirs = (await tjs(text, { aggregation_strategy: "simple" })) as TjsGroup[];
      // transformers.js's rule: continue the open group when the tag matches and the prefix is not B.
      const groups: { type: string; scores: number[] }[] = [];
      let open: string | null = null;
      for (const t of tokens) {
        const b = t.entity_type.startsWith("B-");
        const tag = /^[BI]-/.test(t.entity_type) ? t.entity_type.slice(2) : t.entity_type;
        if (open === tag && !b) groups[groups.length - 1]!.scores.push(t.score);
        else groups.push({ type: tag, scores: [t.score] });
        open = tag;
      }
      expect(
        theirs.map((g) => g.entity_group),
        text,
      ).toEqual(groups.map((g) => g.type));
      theirs.forEach((g, j) => expect(Math.abs(g.score - groups[j]!.scores.reduce((a, b) => a + b, 0) / groups[j]!.scores.length)).toBeLessThanOrEqual(TOL));
      const simple = await entitiesOf(text, "simple");
      if (simple.length !== theirs.length) differs++;
    }
    console.info(`ner: transformers.js's default simple grouping gives a different entity count on ${differs} of ${texts.length} texts`);
  });

  test("sentence splitting (the served default): each sentence tagged like transformers.js tags it alone", async () => {
    const split = await mesh("ner", "token-classification", { splitSentences: true });
    // Six one-sentence texts joined: the sentences, their indices and offsets are known here.
    const sentences = texts.slice(3, 9);
    const doc = sentences.join(" ");
    const ours = ((await split.pipeline.predict({ rows: [{ content: doc }], parameters: {}, batch: false }, Infinity)) as { entities: MeshEntity[] }).entities;
    const expected: { type: string; score: number; sentence: number; word: string }[] = [];
    for (const [index, sentence] of sentences.entries()) {
      const groups = ((await tjs(sentence, { aggregation_strategy: "simple", ignore_labels: [] })) as TjsGroup[]).filter((g) => g.entity_group !== "O");
      for (const g of groups) expected.push({ type: g.entity_group, score: g.score, sentence: index, word: g.word });
    }
    expect(ours.length).toBeGreaterThan(sentences.length);
    expect(ours.map((e) => [e.entity_type, e.sentence_index])).toEqual(expected.map((e) => [e.type, e.sentence]));
    ours.forEach((e, j) => {
      expect(Math.abs(e.score - expected[j]!.score)).toBeLessThanOrEqual(TOL);
      expect(e.entity_text).toBe(doc.slice(e.start, e.end));
      // Offsets are into the document: inside the entity's own sentence.
      const from = sentences.slice(0, e.sentence_index).reduce((n, x) => n + x.length + 1, 0);
      expect(e.start).toBeGreaterThanOrEqual(from);
      expect(e.end).toBeLessThanOrEqual(from + sentences[e.sentence_index]!.length);
      expect(noSpace(expected[j]!.word.replace(/^##/, ""))).toBe(noSpace(e.entity_text));
    });
  });
});

describe("feature-extraction: projects/keywords/model", () => {
  const texts = [...keywordDocs(), "a", "東京 😀 café", "The army and the navy"];
  let tjs: AnyPipeline;
  beforeAll(async () => {
    tjs = await tjsPipeline("feature-extraction", "keywords");
  });

  for (const pooling of ["mean", "cls"] as const) {
    test(`pooling ${pooling}, normalize: embeddings within 1e-4, one text per call and as one batch`, async () => {
      const m = await mesh("keywords", "feature-extraction", { pooling, normalize: true, maxLength: 256 });
      const each = await predictEach(m, texts);
      const batch = (await m.pipeline.predict({ rows: texts.map((content) => ({ content })), parameters: {}, batch: true }, Infinity)) as { embedding: number[][] };
      const theirs = await tjs(texts, { pooling, normalize: true });
      const hidden = factsOf(modelDir("keywords")).hiddenSize;
      expect(theirs.dims).toEqual([texts.length, hidden]);
      let worst = 0;
      texts.forEach((_, i) => {
        const ref = (theirs.data as Float32Array).subarray(i * hidden, (i + 1) * hidden);
        const one = each[i]!["embedding"] as number[];
        expect(one).toHaveLength(hidden);
        worst = Math.max(worst, maxAbsDiff(one, ref), maxAbsDiff(batch.embedding[i]!, ref));
      });
      expect(worst).toBeLessThanOrEqual(TOL);
      console.info(`feature-extraction ${pooling}: max |Δ| ${worst.toExponential(2)} over ${texts.length} texts`);
    });
  }
});

describe("keyword-extraction: projects/keywords/model", () => {
  const docs = keywordDocs();
  let m: OpenedTransformer;
  let tjs: AnyPipeline;
  beforeAll(async () => {
    m = await mesh("keywords", "keyword-extraction", { maxLength: 256 });
    tjs = await tjsPipeline("feature-extraction", "keywords");
    const tok = await AutoTokenizer.from_pretrained("keywords", { local_files_only: true });
    // Neither side truncates these documents.
    for (const d of docs) expect((tok as unknown as (t: string, o: object) => { input_ids: number[] })(d, { return_tensor: false }).input_ids.length).toBeLessThan(256);
  });

  /** KeyBERT's plain ranking, written out: cosine(doc, candidate), highest first, top_n, round(·, 4). */
  async function reference(doc: string, candidates: readonly string[], topN: number): Promise<{ keyword_token: string; keyword_score: number }[]> {
    if (candidates.length === 0) return [];
    const out = await tjs([doc, ...candidates], { pooling: "mean" });
    const h = out.dims[1] as number;
    const data = out.data as Float32Array;
    const row = (i: number) => data.subarray(i * h, (i + 1) * h);
    const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    const d = row(0);
    const sims = candidates.map((c, i) => {
      const v = row(i + 1);
      let dot = 0;
      for (let k = 0; k < h; k++) dot += d[k]! * v[k]!;
      return { c, sim: dot / (norm(d) * norm(v)) };
    });
    sims.sort((a, b) => b.sim - a.sim);
    return sims.slice(0, topN).map(({ c, sim }) => ({ keyword_token: c, keyword_score: Number(sim.toFixed(4)) }));
  }

  const settings = [
    { name: "the project's settings (unigrams, English stop words, top 5)", params: {}, ngram: [1, 1] as [number, number], stop: true, topN: 5 },
    { name: "uni- and bigrams, no stop words, top 10", params: { keyphrase_ngram_range: [1, 2], stop_words: "none", top_n: 10 }, ngram: [1, 2] as [number, number], stop: false, topN: 10 },
  ];

  for (const s of settings) {
    test(`identical keyword lists, scores within 1e-4: ${s.name}`, async () => {
      let n = 0;
      for (const doc of docs) {
        const ours = ((await m.pipeline.predict({ rows: [{ content: doc }], parameters: s.params, batch: false }, Infinity)) as { keywords: { keyword_token: string; keyword_score: number }[] })
          .keywords;
        const cands = candidateKeyphrases([doc], { ngramRange: s.ngram, stopWords: s.stop ? englishStopWords() : null, minDf: 1, maxCandidates: 500 });
        const theirs = await reference(doc, cands.phrases, s.topN);
        expect(
          ours.map((k) => k.keyword_token),
          doc,
        ).toEqual(theirs.map((k) => k.keyword_token));
        // Scores are rounded to 4 places on both sides: a 1e-7 difference can cross a rounding boundary.
        ours.forEach((k, j) => expect(Math.abs(k.keyword_score - theirs[j]!.keyword_score)).toBeLessThanOrEqual(1.0001e-4));
        expect(ours.length).toBe(Math.min(s.topN, cands.phrases.length));
        n += ours.length;
      }
      expect(n).toBeGreaterThan(docs.length * 3);
    });
  }

  test("mesh's pooled vectors (rawOutputs) equal transformers.js's mean pooling within 1e-4", async () => {
    const ours = await rawOutputs(m.pipeline, docs);
    const theirs = await tjs(docs, { pooling: "mean" });
    const h = theirs.dims[1] as number;
    const worst = Math.max(...ours.map((v, i) => maxAbsDiff(v, (theirs.data as Float32Array).subarray(i * h, (i + 1) * h))));
    expect(worst).toBeLessThanOrEqual(TOL);
  });
});
