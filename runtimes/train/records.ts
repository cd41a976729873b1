/**
 * The training record's computations (the layout is runtimes/registry/training-record.ts):
 * per-class precision, recall, F1 and support from a confusion matrix, and the summary of
 * the dataset version a model was trained on. Per-class metrics follow scikit-learn's
 * `precision_recall_fscore_support` with `zero_division=0`: a class never predicted has
 * precision 0, a class never true has recall 0, and F1 is 0 when both are.
 */
import type { ClassMetrics, DatasetCard, DatasetSummary, EvaluationRecord } from "../registry/types.js";

export function perClassMetrics(labels: readonly string[], matrix: readonly (readonly number[])[]): ClassMetrics[] {
  return labels.map((label, c) => {
    const tp = matrix[c]?.[c] ?? 0;
    const support = (matrix[c] ?? []).reduce((a, b) => a + b, 0);
    const predicted = matrix.reduce((a, row) => a + (row[c] ?? 0), 0);
    const precision = predicted === 0 ? 0 : tp / predicted;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support };
  });
}

export function evaluationRecord(confusion: { readonly labels: readonly string[]; readonly matrix: readonly (readonly number[])[] }, rows: number): EvaluationRecord {
  return { split: "test", rows, labels: confusion.labels, matrix: confusion.matrix, perClass: perClassMetrics(confusion.labels, confusion.matrix) };
}

const isCountTable = (v: unknown): v is Record<string, number> =>
  v !== null && typeof v === "object" && !Array.isArray(v) && Object.values(v).every((n) => typeof n === "number" && Number.isFinite(n));

/** Rows, label balance (whole and per split) and content hash, from the dataset card's own stats. */
export function datasetSummary(card: DatasetCard): DatasetSummary {
  const stats = card.stats ?? {};
  const labels = isCountTable(stats.labels) ? stats.labels : {};
  const splits: Record<string, { rows: number; labels: Record<string, number> }> = {};
  const raw = stats.splits;
  if (raw !== null && typeof raw === "object" && !Array.isArray(raw)) {
    for (const [name, s] of Object.entries(raw as Record<string, unknown>)) {
      const split = s as { rows?: unknown; labels?: unknown } | null;
      if (split && typeof split.rows === "number") splits[name] = { rows: split.rows, labels: isCountTable(split.labels) ? split.labels : {} };
    }
  }
  return { id: card.id, rows: card.rows, sha256: card.sha256, labels, ...(Object.keys(splits).length > 0 ? { splits } : {}) };
}
