/**
 * Sequence classification scores, as Hugging Face's text-classification pipeline computes
 * them from one row of logits: `function_to_apply` (softmax, sigmoid or none), then every
 * label sorted by score, highest first, cut to `top_k`.
 */
import { sigmoid, softmaxInto } from "./numeric.js";

export type ClassificationFunction = "softmax" | "sigmoid" | "none";

export interface LabelScore {
  readonly label: string;
  readonly score: number;
}

/**
 * The function HF applies when the request names none, from the model config:
 * `problem_type` "regression" → none; "multi_label_classification" or a single label →
 * sigmoid; "single_label_classification" or several labels → softmax. (HF's further
 * fallbacks only apply to configs with no labels at all, which answer "none" here.)
 */
export function defaultFunction(problemType: string | null | undefined, numLabels: number): ClassificationFunction {
  if (problemType === "regression") return "none";
  if (problemType === "multi_label_classification" || numLabels === 1) return "sigmoid";
  if (problemType === "single_label_classification" || numLabels > 1) return "softmax";
  return "none";
}

/** `fn` applied to a row of logits, in float64. */
export function applyFunction(logits: ArrayLike<number>, fn: ClassificationFunction): Float64Array {
  const n = logits.length;
  const out = new Float64Array(n);
  if (fn === "softmax") return softmaxInto(logits, 0, n, out);
  for (let i = 0; i < n; i++) out[i] = fn === "sigmoid" ? sigmoid(logits[i]!) : logits[i]!;
  return out;
}

/**
 * Scores for one row: `labels[i]` names logit i (the config's id2label in id order). Sorted
 * by score descending; equal scores keep label order (HF sorts with Python's stable sort).
 * `topK` null, or larger than the label count, returns every label; 0 returns none.
 */
export function classifyRow(logits: ArrayLike<number>, labels: readonly string[], fn: ClassificationFunction, topK: number | null): LabelScore[] {
  if (labels.length !== logits.length) {
    throw new RangeError(`classifyRow: ${logits.length} logits but ${labels.length} labels`);
  }
  if (topK !== null && (!Number.isInteger(topK) || topK < 0)) {
    throw new RangeError(`classifyRow: topK must be a non-negative integer or null, got ${topK}`);
  }
  const scores = applyFunction(logits, fn);
  const ranked = labels.map((label, i) => ({ label, score: scores[i]! }));
  ranked.sort((a, b) => b.score - a.score);
  return topK === null ? ranked : ranked.slice(0, topK);
}
