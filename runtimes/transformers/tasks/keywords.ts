/**
 * keyword-extraction: KeyBERT on the served embedding model. Candidate phrases come from
 * one CountVectorizer-like pass over the request's documents; documents, candidates and
 * seed keywords are embedded through the same batched model calls (each distinct phrase
 * once), pooled like sentence-transformers, and ranked by cosine similarity, MMR or Max Sum
 * as KeyBERT does. The work of one request is bounded by `max_candidates` per document.
 */
import { PipelineError } from "../pipeline-error.js";
import type { TaskContext } from "../task-context.js";
import type { KeywordDefaults } from "../config.js";
import { candidateKeyphrases } from "../postprocess/candidates.js";
import { meanEmbedding, selectKeywords } from "../postprocess/keybert.js";
import { englishStopWords } from "../postprocess/stopwords.js";
import { poolOutputs } from "./embed.js";

type Params = Readonly<Record<string, unknown>>;

function stopWordsOf(value: unknown): ReadonlySet<string> | null {
  if (value === "english") return englishStopWords();
  if (value === "none" || value === null) return null;
  return new Set((value as readonly string[]).map((w) => w.toLowerCase()));
}

/** Request parameters over the spec's defaults (the decoder already checked their types and ranges). */
function options(p: Params, d: KeywordDefaults) {
  const range = (p["keyphrase_ngram_range"] as readonly number[] | undefined) ?? d.ngramRange;
  return {
    ngramRange: [range[0]!, range[1]!] as const,
    stopWords: stopWordsOf(p["stop_words"] ?? d.stopWords),
    topN: (p["top_n"] as number | undefined) ?? d.topN,
    minDf: (p["min_df"] as number | undefined) ?? d.minDf,
    useMaxsum: (p["use_maxsum"] as boolean | undefined) ?? d.useMaxsum,
    useMmr: (p["use_mmr"] as boolean | undefined) ?? d.useMmr,
    diversity: (p["diversity"] as number | undefined) ?? d.diversity,
    nrCandidates: (p["nr_candidates"] as number | undefined) ?? d.nrCandidates,
    candidates: p["candidates"] as readonly string[] | undefined,
    seeds: (p["seed_keywords"] as readonly string[] | undefined) ?? [],
  };
}

export async function extractKeywords(ctx: TaskContext, texts: readonly string[], pointers: readonly string[], parameters: Params): Promise<Record<string, unknown>[]> {
  const o = options(parameters, ctx.serving.keywords);
  if (o.ngramRange[0] > o.ngramRange[1]) {
    throw new PipelineError(400, "out_of_range", "must be [min, max] with min ≤ max", "/data/parameters/keyphrase_ngram_range");
  }
  const set = candidateKeyphrases(texts, {
    ngramRange: o.ngramRange,
    stopWords: o.stopWords,
    minDf: o.minDf,
    maxCandidates: ctx.serving.keywords.maxCandidates,
    ...(o.candidates ? { vocabulary: [...new Set(o.candidates.map((c) => c.toLowerCase()))] } : {}),
  });
  // Documents are embedded as the model reads them (truncated to max_length, or refused).
  const docs = await ctx.encode(texts, pointers);
  const phrasePointers = set.phrases.map(() => "/data/parameters");
  const phrases = await ctx.encode(set.phrases, phrasePointers);
  const seeds =
    o.seeds.length > 0
      ? await ctx.encode(
          o.seeds,
          o.seeds.map((_, i) => `/data/parameters/seed_keywords/${i}`),
        )
      : [];
  const sequences = [...docs, ...phrases, ...seeds];
  const vectors = poolOutputs(sequences, await ctx.run(sequences), ctx.serving.pooling, false);
  const docVectors = vectors.slice(0, docs.length);
  const phraseVectors = vectors.slice(docs.length, docs.length + phrases.length);
  const seedEmbedding = seeds.length > 0 ? meanEmbedding(vectors.slice(docs.length + phrases.length)) : undefined;
  return texts.map((_, d) => {
    const own = set.perDocument[d]!;
    try {
      const keywords = selectKeywords(
        docVectors[d]!,
        own.map((i) => phraseVectors[i]!),
        own.map((i) => set.phrases[i]!),
        {
          topN: o.topN,
          useMaxsum: o.useMaxsum,
          useMmr: o.useMmr,
          diversity: o.diversity,
          nrCandidates: o.nrCandidates,
          seedEmbedding,
        },
      );
      return { keywords };
    } catch (err) {
      // Max Sum over too many combinations is refused by the algorithm; it is the request's choice.
      if (err instanceof RangeError) throw new PipelineError(400, "too_expensive", err.message, "/data/parameters");
      throw err;
    }
  });
}
