/**
 * Symmetric int8 quantization of a 2-D FP32 weight, the way onnxruntime's quantize_dynamic
 * does it: scale = max|W| / 127 per output column (or over the whole tensor), q =
 * round-half-to-even(W / scale) clamped to [-127, 127], zero point 0. The range stops at
 * -127, not -128, so that the grid is symmetric and -max maps exactly like +max.
 * Output layout is MatMulInteger's B: [K, N] row-major, whatever the source layout was.
 */
export interface WeightLayout {
  /** Source dims [d0, d1] as stored in the initializer. */
  readonly dims: readonly [number, number];
  /** Gemm transB = 1: the source is [N, K] and is transposed on the way out. */
  readonly transposed: boolean;
  readonly perChannel: boolean;
}

export interface QuantizedWeight {
  readonly k: number;
  readonly n: number;
  /** [K, N] row-major. */
  readonly values: Int8Array;
  /** [N] per column, or a single value per tensor. */
  readonly scale: Float32Array;
}

/** numpy's rint: halves go to the even neighbour, so the rounding has no bias. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** The float32 scale for a largest magnitude; 1 when the column is all zeros (any scale is exact then). */
function scaleFor(absMax: number): number {
  const s = Math.fround(absMax / 127);
  return s > 0 ? s : 1;
}

/** The quantized weight, or why this weight cannot be quantized. */
export function quantizeWeight(w: Float32Array, layout: WeightLayout): QuantizedWeight | string {
  const [d0, d1] = layout.dims;
  const k = layout.transposed ? d1 : d0;
  const n = layout.transposed ? d0 : d1;
  // Element (row r, column c) of the [K, N] view, read from the stored layout.
  const at = layout.transposed ? (r: number, c: number) => w[c * d1 + r]! : (r: number, c: number) => w[r * d1 + c]!;

  const absMax = new Float64Array(layout.perChannel ? n : 1);
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < n; c++) {
      const v = at(r, c);
      if (!Number.isFinite(v)) return `the weight holds a non-finite value (${v}) at [${layout.transposed ? `${c}, ${r}` : `${r}, ${c}`}]`;
      const slot = layout.perChannel ? c : 0;
      const a = Math.abs(v);
      if (a > absMax[slot]!) absMax[slot] = a;
    }
  }
  const scale = Float32Array.from(absMax, scaleFor);

  const values = new Int8Array(k * n);
  for (let r = 0; r < k; r++) {
    for (let c = 0; c < n; c++) {
      const q = roundHalfEven(at(r, c) / scale[layout.perChannel ? c : 0]!);
      values[r * n + c] = q > 127 ? 127 : q < -127 ? -127 : q;
    }
  }
  return { k, n, values, scale };
}
