/**
 * Python's round(x, 4) (runtimes/transformers/postprocess/pyround.ts), checked on exact ties
 * by hand and on a few thousand values against Python itself (CI has python3, as the
 * lifecycle featurizer test does).
 */
import { execFileSync } from "node:child_process";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { pyRound } from "../../../../runtimes/transformers/postprocess/pyround.js";

const PYTHON = process.env.PYTHON ?? "/usr/bin/python3";

describe("pyRound", () => {
  test.each([
    [0.03125, 4, 0.0312], // exact tie → even digit (Math.round would give 0.0313)
    [0.09375, 4, 0.0938],
    [-0.03125, 4, -0.0312],
    [0.15625, 4, 0.1562],
    [0.12345, 4, 0.1235], // not a tie: the binary value is above 0.12345
    [2.675, 2, 2.67], // not a tie: the binary value is below 2.675
    [2.5, 0, 2],
    [1.5, 0, 2],
    [0.99996, 4, 1],
  ])("round(%d, %i) = %d", (x, digits, expected) => expect(pyRound(x, digits)).toBe(expected));

  test("NaN and infinities pass through", () => {
    expect(pyRound(Number.NaN, 4)).toBeNaN();
    expect(pyRound(-Infinity, 4)).toBe(-Infinity);
  });

  test("agrees with Python on random similarities, ties and near-ties", () => {
    const random = fc.sample(fc.double({ min: -1, max: 1, noNaN: true }), { numRuns: 2000, seed: 7 });
    const ties = Array.from({ length: 64 }, (_, q) => (2 * q + 1 - 64) / 32);
    const nearTies = Array.from({ length: 200 }, (_, k) => (k * 37 + 0.5) / 1e4 + (k % 3) * Number.EPSILON);
    const values = [...random, ...ties, ...nearTies];
    const script = "import json,sys; print(json.dumps([round(x, 4) for x in json.load(sys.stdin)]))";
    const python = JSON.parse(execFileSync(PYTHON, ["-c", script], { input: JSON.stringify(values), encoding: "utf8" })) as number[];
    const mismatches = values.filter((x, i) => !Object.is(pyRound(x, 4), python[i]) && !(pyRound(x, 4) === 0 && python[i] === 0));
    expect(mismatches).toEqual([]);
  });
});
