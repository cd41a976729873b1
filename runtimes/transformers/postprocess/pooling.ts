/**
 * Sentence embeddings from token embeddings, as sentence-transformers' Pooling and
 * Normalize modules compute them.
 */

export type PoolingMode = "cls" | "mean" | "max";

/** What sentence-transformers writes over masked positions before max pooling. */
const MASKED = -1e9;

/** Smallest norm divided by, as torch.nn.functional.normalize (eps = 1e-12). */
const NORM_EPS = 1e-12;

/**
 * Pools one sequence of `hidden` (row-major [batch, seqLen, hiddenSize]) whose first element
 * is at `offset` (b · seqLen · hiddenSize for row b). `mask` is that sequence's attention mask
 * (length seqLen, numbers or the bigints of an int64 tensor); any non-zero entry counts as 1.
 *
 * - cls: the first token, whatever the mask says.
 * - mean: mean over unmasked tokens; a row with none is all zeros (ST divides by max(count, 1e-9)).
 * - max: per-dimension maximum over unmasked tokens; a row with none is -1e9 everywhere, as
 *   in ST, which fills masked positions with -1e9 before taking the maximum.
 */
export function poolRow(hidden: Float32Array, offset: number, seqLen: number, hiddenSize: number, mask: ArrayLike<number | bigint>, mode: PoolingMode): Float32Array {
  if (mask.length < seqLen || offset < 0 || offset + seqLen * hiddenSize > hidden.length) {
    throw new RangeError(`poolRow: row at ${offset} of ${seqLen}×${hiddenSize} does not fit ${hidden.length} values and ${mask.length} mask entries`);
  }
  if (mode === "cls") return hidden.slice(offset, offset + hiddenSize);
  if (mode !== "mean" && mode !== "max") throw new RangeError(`poolRow: unknown mode ${JSON.stringify(mode)}`);
  const acc = new Float64Array(hiddenSize).fill(mode === "max" ? -Infinity : 0);
  let count = 0;
  for (let t = 0; t < seqLen; t++) {
    if (Number(mask[t]) === 0) continue;
    count++;
    const base = offset + t * hiddenSize;
    if (mode === "max") {
      for (let d = 0; d < hiddenSize; d++) acc[d] = Math.max(acc[d]!, hidden[base + d]!);
    } else {
      for (let d = 0; d < hiddenSize; d++) acc[d] = acc[d]! + hidden[base + d]!;
    }
  }
  // A masked position contributes -1e9 to ST's maximum; folding it in once is the same.
  if (mode === "max" && count < seqLen) for (let d = 0; d < hiddenSize; d++) acc[d] = Math.max(acc[d]!, MASKED);
  if (mode === "mean" && count > 0) for (let d = 0; d < hiddenSize; d++) acc[d] = acc[d]! / count;
  return Float32Array.from(acc);
}

/**
 * Scales `v` to unit L2 norm IN PLACE and returns it. Divides by max(norm, 1e-12) like
 * torch's normalize, so a zero vector stays zero (and never becomes NaN).
 */
export function l2normalize<T extends Float32Array | Float64Array>(v: T): T {
  let sq = 0;
  for (let i = 0; i < v.length; i++) sq += v[i]! * v[i]!;
  const norm = Math.max(Math.sqrt(sq), NORM_EPS);
  for (let i = 0; i < v.length; i++) v[i] = v[i]! / norm;
  return v;
}
