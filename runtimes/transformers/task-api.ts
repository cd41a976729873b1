/**
 * The request and response of each transformer task — the seed's answers. The runtime that
 * produces them owns this table; the spec rules (examples are checked against it), `lower`
 * (the served API of the IR) and the V2 route read it, so none of them can disagree.
 *
 * - text-classification: `{content}` → `{label, score, scores}` (scores: label → probability)
 * - token-classification: `{content}` → `{entities: [{entity_type, entity_text, score,
 *   sentence_index, start, end}]}` with character offsets into `content`
 * - feature-extraction: `{content}` → `{embedding: number[]}`
 * - keyword-extraction: `{content}` + KeyBERT's parameters → `{keywords: [{keyword_token, keyword_score}]}`
 */
import type { TransformerTask } from "./task-signature.js";

export type { TransformerTask };

/** A response field of a task and its kind. */
export interface TaskField {
  readonly name: string;
  readonly type: "string" | "number" | "scores" | "entities" | "number[]" | "keywords";
}

export const TRANSFORMER_TASK_NAMES: readonly TransformerTask[] = ["text-classification", "token-classification", "feature-extraction", "keyword-extraction"];

export const isTransformerTask = (task: string): task is TransformerTask => (TRANSFORMER_TASK_NAMES as readonly string[]).includes(task);

/** A request parameter of a task; `type` extends the spec's scalar types with lists. */
export interface TaskParameter {
  readonly name: string;
  readonly type: "string" | "number" | "integer" | "boolean" | "string[]" | "integer[]";
  readonly min?: number;
  readonly max?: number;
  readonly enum?: readonly string[];
  /** Lists: exact length (integer[]) or at most this many items. */
  readonly length?: number;
  readonly maxItems?: number;
  /** string[]: these single strings are accepted instead of a list (e.g. "english"). */
  readonly words?: readonly string[];
}

export interface TaskApi {
  readonly response: readonly TaskField[];
  readonly parameters: readonly TaskParameter[];
}

/** Parameters of keyword-extraction: KeyBERT's `extract_keywords` arguments, bounded. */
const KEYWORD_PARAMETERS: readonly TaskParameter[] = [
  { name: "keyphrase_ngram_range", type: "integer[]", length: 2, min: 1, max: 5 },
  { name: "stop_words", type: "string[]", maxItems: 10_000, words: ["english", "none"] },
  { name: "top_n", type: "integer", min: 1, max: 100 },
  { name: "min_df", type: "integer", min: 1, max: 1000 },
  { name: "use_maxsum", type: "boolean" },
  { name: "use_mmr", type: "boolean" },
  { name: "diversity", type: "number", min: 0, max: 1 },
  { name: "nr_candidates", type: "integer", min: 1, max: 100 },
  { name: "candidates", type: "string[]", maxItems: 1000 },
  { name: "seed_keywords", type: "string[]", maxItems: 100 },
];

export function taskApi(task: TransformerTask): TaskApi {
  switch (task) {
    case "text-classification":
      return {
        response: [
          { name: "label", type: "string" },
          { name: "score", type: "number" },
          { name: "scores", type: "scores" },
        ],
        parameters: [],
      };
    case "token-classification":
      return {
        response: [{ name: "entities", type: "entities" }],
        parameters: [{ name: "aggregation", type: "string", enum: ["none", "simple", "first", "average", "max"] }],
      };
    case "feature-extraction":
      return { response: [{ name: "embedding", type: "number[]" }], parameters: [] };
    case "keyword-extraction":
      return { response: [{ name: "keywords", type: "keywords" }], parameters: KEYWORD_PARAMETERS };
  }
}
