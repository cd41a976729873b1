/**
 * Numerics shared by the classification and token-classification post-processors. Work is
 * done in float64 even though the model hands back float32: Hugging Face computes in
 * float32 numpy, so scores agree to about 1e-7, and an argmax can only differ when two
 * logits are within float32 rounding of each other.
 */

/**
 * Softmax of `count` values of `src` starting at `offset`, written to `out` (length ≥ count).
 * The maximum is subtracted first, as HF does, so logits of 1e4 do not overflow to NaN.
 */
export function softmaxInto(src: ArrayLike<number>, offset: number, count: number, out: Float64Array): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < count; i++) max = Math.max(max, src[offset + i]!);
  let sum = 0;
  for (let i = 0; i < count; i++) {
    const e = Math.exp(src[offset + i]! - max);
    out[i] = e;
    sum += e;
  }
  for (let i = 0; i < count; i++) out[i] = out[i]! / sum;
  return out;
}

/** Logistic sigmoid, 1 / (1 + e^-x): saturates to exactly 0 or 1 and never gives NaN for finite x. */
export function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Index of the first maximum (numpy's argmax tie rule); -1 for an empty range. */
export function argmax(values: ArrayLike<number>, count = values.length): number {
  let best = -1;
  let bestValue = -Infinity;
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    if (best === -1 || v > bestValue) {
      best = i;
      bestValue = v;
    }
  }
  return best;
}

/** Largest value of the first `count` entries (-Infinity when empty). */
export function maxOf(values: ArrayLike<number>, count = values.length): number {
  let m = -Infinity;
  for (let i = 0; i < count; i++) m = Math.max(m, values[i]!);
  return m;
}

/** Mean that skips NaN entries, as numpy's nanmean; NaN when every entry is NaN or there are none. */
export function nanmean(values: readonly number[]): number {
  let sum = 0;
  let n = 0;
  for (const v of values) {
    if (!Number.isNaN(v)) {
      sum += v;
      n++;
    }
  }
  return n === 0 ? Number.NaN : sum / n;
}
