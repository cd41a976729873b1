/** Pooling and normalisation (runtimes/transformers/postprocess/pooling.ts), as sentence-transformers computes them. */
import { describe, expect, test } from "vitest";
import { l2normalize, poolRow } from "../../../../runtimes/transformers/postprocess/pooling.js";

// Batch of 2 sequences × 3 tokens × 2 dims; the second sequence has one padding token.
const hidden = new Float32Array([
  1,
  2,
  /**/ 3,
  -4,
  /**/ 5,
  0, // sequence 0
  -1,
  7,
  /**/ 2,
  1,
  /**/ 100,
  100, // sequence 1 (last token is padding)
]);
const masks = [new BigInt64Array([1n, 1n, 1n]), new BigInt64Array([1n, 1n, 0n])];

describe("poolRow", () => {
  test("cls: the first token, whatever the mask", () => {
    expect(Array.from(poolRow(hidden, 6, 3, 2, [0, 1, 1], "cls"))).toEqual([-1, 7]);
  });

  test("mean over unmasked tokens only (bigint masks accepted)", () => {
    expect(Array.from(poolRow(hidden, 0, 3, 2, masks[0]!, "mean"))).toEqual([3, -2 / 3].map(Math.fround));
    expect(Array.from(poolRow(hidden, 6, 3, 2, masks[1]!, "mean"))).toEqual([0.5, 4]);
  });

  test("max over unmasked tokens only", () => {
    expect(Array.from(poolRow(hidden, 0, 3, 2, [1, 1, 1], "max"))).toEqual([5, 2]);
    expect(Array.from(poolRow(hidden, 6, 3, 2, masks[1]!, "max"))).toEqual([2, 7]);
  });

  test("max with a masked position never goes below -1e9 (ST writes -1e9 there)", () => {
    const low = new Float32Array([-5e9, -2e9]);
    expect(Array.from(poolRow(low, 0, 2, 1, [1, 0], "max"))).toEqual([Math.fround(-1e9)]);
    expect(Array.from(poolRow(low, 0, 2, 1, [1, 1], "max"))).toEqual([Math.fround(-2e9)]);
  });

  test("a fully masked row: mean is zeros, max is -1e9", () => {
    expect(Array.from(poolRow(hidden, 0, 3, 2, [0, 0, 0], "mean"))).toEqual([0, 0]);
    expect(Array.from(poolRow(hidden, 0, 3, 2, [0, 0, 0], "max"))).toEqual([Math.fround(-1e9), Math.fround(-1e9)]);
  });

  test("a row that does not fit is refused", () => {
    expect(() => poolRow(hidden, 8, 3, 2, [1, 1, 1], "mean")).toThrow(RangeError);
    expect(() => poolRow(hidden, 0, 3, 2, [1, 1], "mean")).toThrow(RangeError);
  });
});

describe("l2normalize", () => {
  test("scales to unit length in place and returns the same array", () => {
    const v = new Float32Array([3, 4]);
    expect(l2normalize(v)).toBe(v);
    expect(Array.from(v)).toEqual([0.6, 0.8].map(Math.fround));
  });

  test("a zero vector stays zero (no NaN)", () => {
    expect(Array.from(l2normalize(new Float64Array(3)))).toEqual([0, 0, 0]);
  });
});
