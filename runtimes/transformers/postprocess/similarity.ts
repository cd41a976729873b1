/**
 * Cosine similarity as sklearn's `cosine_similarity` defines it for dense rows: a row of
 * zeros has similarity 0 with everything (sklearn normalises rows and leaves zero rows at
 * zero). Computed in float64; KeyBERT's float32 arithmetic can differ in the seventh digit.
 */

export type Vector = ArrayLike<number>;

function norm(v: Vector): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * v[i]!;
  return Math.sqrt(s);
}

function dot(a: Vector, b: Vector): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

function checkDims(rows: readonly Vector[], dims: number, what: string): void {
  rows.forEach((r, i) => {
    if (r.length !== dims) throw new RangeError(`${what}: vector ${i} has ${r.length} dimensions, expected ${dims}`);
  });
}

/** cos(query, rows[i]) for every row. */
export function cosineToAll(query: Vector, rows: readonly Vector[]): Float64Array {
  checkDims(rows, query.length, "cosineToAll");
  const qn = norm(query);
  const out = new Float64Array(rows.length);
  rows.forEach((r, i) => {
    const d = qn * norm(r);
    out[i] = d === 0 ? 0 : dot(query, r) / d;
  });
  return out;
}

/** The symmetric matrix cos(rows[i], rows[j]), as one array per row. */
export function pairwiseCosine(rows: readonly Vector[]): Float64Array[] {
  const n = rows.length;
  if (n > 0) checkDims(rows, rows[0]!.length, "pairwiseCosine");
  const norms = rows.map(norm);
  const out = rows.map(() => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const d = norms[i]! * norms[j]!;
      const c = d === 0 ? 0 : dot(rows[i]!, rows[j]!) / d;
      out[i]![j] = c;
      out[j]![i] = c;
    }
  }
  return out;
}
