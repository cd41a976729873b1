/**
 * How a transformer task is served: the data the generated `definition.ts` hands the server
 * library, computed once by the compiler's `lower` (the IR's TransformerIR extends it with
 * where the model comes from). The runtime owns this contract; the IR imports it.
 */
import type { TransformerTask } from "./task-signature.js";

export type { TransformerTask } from "./task-signature.js";

export interface KeywordDefaults {
  readonly ngramRange: readonly [number, number];
  /** "english" (the stop-word list mesh ships), "none", or the words themselves. */
  readonly stopWords: "english" | "none" | readonly string[];
  readonly topN: number;
  readonly minDf: number;
  readonly useMaxsum: boolean;
  readonly useMmr: boolean;
  readonly diversity: number;
  readonly nrCandidates: number;
  /** Candidate phrases embedded per document at most: bounds one request's work. */
  readonly maxCandidates: number;
}

export interface TransformerServing {
  readonly task: TransformerTask;
  /** The request attribute holding the text. */
  readonly input: string;
  /** Path of the ONNX graph inside the model folder. */
  readonly modelFile: string;
  /** Tokens per sequence (special tokens included). */
  readonly maxLength: number;
  /** Longer texts are cut, or refused with a 400 naming the attribute. */
  readonly truncation: "truncate" | "refuse";
  /** The output tensor the task reads. */
  readonly output: string;
  readonly hasTokenTypeIds: boolean;
  /** WordPiece's "##": how token classification tells subwords apart (absent: HF's fallback). */
  readonly continuingSubwordPrefix?: string;
  readonly functionToApply: "softmax" | "sigmoid" | "none";
  /** Labels listed in `scores`/answers; 0 = all. */
  readonly topK: number;
  readonly aggregation: "none" | "simple" | "first" | "average" | "max";
  readonly splitSentences: boolean;
  readonly pooling: "cls" | "mean" | "max";
  readonly normalize: boolean;
  readonly keywords: KeywordDefaults;
}
