/**
 * Held-out metrics: accuracy, macro-F1 (over the labels that occur in truth or
 * prediction, as scikit-learn does), log-loss (probabilities clipped at 1e-15) and the
 * confusion matrix [true][predicted] in label order.
 */
export interface Metrics {
  readonly accuracy: number;
  readonly macro_f1: number;
  readonly log_loss: number;
  readonly confusion: { readonly labels: readonly string[]; readonly matrix: readonly (readonly number[])[] };
  readonly rows: number;
}

export const argmax = (p: ArrayLike<number>) => {
  let best = 0;
  for (let i = 1; i < p.length; i++) if (p[i]! > p[best]!) best = i;
  return best;
};

export function computeMetrics(labels: readonly string[], truth: readonly number[], probs: readonly ArrayLike<number>[]): Metrics {
  const k = labels.length;
  const matrix = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  let correct = 0;
  let loss = 0;
  truth.forEach((y, i) => {
    const p = probs[i]!;
    const yhat = argmax(p);
    matrix[y]![yhat]!++;
    if (yhat === y) correct++;
    loss -= Math.log(Math.min(Math.max(p[y]!, 1e-15), 1 - 1e-15));
  });
  let f1Sum = 0;
  let present = 0;
  for (let c = 0; c < k; c++) {
    const tp = matrix[c]![c]!;
    const fn = matrix[c]!.reduce((a, b) => a + b, 0) - tp;
    const fp = matrix.reduce((a, row) => a + row[c]!, 0) - tp;
    if (tp + fn + fp === 0) continue;
    present++;
    f1Sum += tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  }
  const n = Math.max(truth.length, 1);
  return { accuracy: correct / n, macro_f1: present ? f1Sum / present : 0, log_loss: loss / n, confusion: { labels, matrix }, rows: truth.length };
}
