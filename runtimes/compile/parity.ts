/**
 * Parity of a compiled model with its trained parent's golden predictions, in the sense
 * of numpy.allclose: |compiled − golden| ≤ atol + rtol·|golden| for every value.
 */
export interface ParityReport {
  readonly ok: boolean;
  readonly rows: number;
  readonly maxAbsDiff: number;
  /** First failing position, for the error message. */
  readonly worst?: { readonly row: number; readonly column: number; readonly got: number; readonly want: number };
}

export function checkParity(got: readonly (readonly number[])[], want: readonly (readonly number[])[], atol: number, rtol: number): ParityReport {
  let maxAbsDiff = 0;
  let worst: ParityReport["worst"];
  if (got.length !== want.length) return { ok: false, rows: got.length, maxAbsDiff: Infinity };
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (g.length !== w.length) return { ok: false, rows: got.length, maxAbsDiff: Infinity, worst: { row: i, column: -1, got: g.length, want: w.length } };
    for (let j = 0; j < w.length; j++) {
      const d = Math.abs(g[j]! - w[j]!);
      const bad = !(d <= atol + rtol * Math.abs(w[j]!));
      if (bad && !worst) worst = { row: i, column: j, got: g[j]!, want: w[j]! };
      if (!(d <= maxAbsDiff)) maxAbsDiff = Number.isNaN(d) ? Infinity : d;
    }
  }
  return { ok: worst === undefined, rows: got.length, maxAbsDiff, ...(worst ? { worst } : {}) };
}
