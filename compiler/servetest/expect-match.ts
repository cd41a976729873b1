/**
 * Compares an answer with a spec example's `expect`: only the fields the example names are
 * checked; strings and booleans must be equal, numbers within a tolerance (float32 models,
 * different hardware), objects and arrays element by element.
 */

export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

export const DEFAULT_TOLERANCE: Tolerance = { atol: 1e-3, rtol: 1e-3 };

export const close = (a: number, b: number, t: Tolerance = DEFAULT_TOLERANCE): boolean => Math.abs(a - b) <= t.atol + t.rtol * Math.abs(b);

/** Mismatches as `path: expected X, got Y` lines; empty when the answer matches. */
export function mismatches(actual: unknown, expected: unknown, t: Tolerance = DEFAULT_TOLERANCE, path = ""): string[] {
  const show = (v: unknown) => JSON.stringify(v)?.slice(0, 80) ?? String(v);
  const here = path || "(answer)";
  if (typeof expected === "number") {
    return typeof actual === "number" && close(actual, expected, t) ? [] : [`${here}: expected ${show(expected)}, got ${show(actual)}`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return [`${here}: expected ${show(expected)}, got ${show(actual)}`];
    return expected.flatMap((e, i) => mismatches(actual[i], e, t, `${path}/${i}`));
  }
  if (expected !== null && typeof expected === "object") {
    if (actual === null || typeof actual !== "object" || Array.isArray(actual)) return [`${here}: expected an object, got ${show(actual)}`];
    return Object.entries(expected).flatMap(([k, e]) => mismatches((actual as Record<string, unknown>)[k], e, t, `${path}/${k}`));
  }
  return actual === expected ? [] : [`${here}: expected ${show(expected)}, got ${show(actual)}`];
}
