/**
 * Text-classification scores (runtimes/transformers/postprocess/classify.ts) against Hugging
 * Face's rules: function_to_apply, the default it picks from the config, top_k and the
 * stable sort. Expected probabilities were computed with numpy (float64).
 */
import { describe, expect, test } from "vitest";
import { applyFunction, classifyRow, defaultFunction } from "../../../../runtimes/transformers/postprocess/classify.js";

const SOFTMAX_123 = [0.09003057317038043, 0.24472847105479767, 0.6652409557748218];

const close = (actual: readonly number[], expected: readonly number[]) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 14));
};

describe("applyFunction", () => {
  test("softmax matches numpy", () => close(Array.from(applyFunction([1, 2, 3], "softmax")), SOFTMAX_123));

  test("softmax subtracts the maximum: logits near 1000 give the same probabilities, not NaN", () => {
    close(Array.from(applyFunction(new Float32Array([1000, 1001, 1002]), "softmax")), SOFTMAX_123);
    close(Array.from(applyFunction([-1e4, 0, 1e4], "softmax")), [0, 0, 1]);
  });

  test("sigmoid per logit, saturating without NaN", () => {
    close(Array.from(applyFunction([0, 2, -2], "sigmoid")), [0.5, 0.8807970779778825, 0.11920292202211755]);
    expect(Array.from(applyFunction([1000, -1000], "sigmoid"))).toEqual([1, 0]);
  });

  test("none passes the logits through", () => expect(Array.from(applyFunction([-1.5, 2], "none"))).toEqual([-1.5, 2]));
});

describe("classifyRow", () => {
  const labels = ["neg", "neu", "pos"];

  test("softmax, every label, highest first", () => {
    const out = classifyRow([1, 2, 3], labels, "softmax", null);
    expect(out.map((s) => s.label)).toEqual(["pos", "neu", "neg"]);
    close(
      out.map((s) => s.score),
      [...SOFTMAX_123].reverse(),
    );
  });

  test("sigmoid for multi-label: scores are independent and need not sum to 1", () => {
    const out = classifyRow([2, 0, 2.5], ["toxic", "insult", "threat"], "sigmoid", null);
    expect(out.map((s) => s.label)).toEqual(["threat", "toxic", "insult"]);
    expect(out.reduce((a, s) => a + s.score, 0)).toBeGreaterThan(1.5);
  });

  test("top_k cuts after sorting; null or more than the labels returns all; 0 returns none", () => {
    expect(classifyRow([1, 2, 3], labels, "softmax", 1).map((s) => s.label)).toEqual(["pos"]);
    expect(classifyRow([1, 2, 3], labels, "softmax", 2).map((s) => s.label)).toEqual(["pos", "neu"]);
    expect(classifyRow([1, 2, 3], labels, "softmax", 10)).toHaveLength(3);
    expect(classifyRow([1, 2, 3], labels, "softmax", 0)).toEqual([]);
  });

  test("equal scores keep label order (Python's sort is stable)", () => {
    expect(classifyRow([1, 3, 1, 3], ["a", "b", "c", "d"], "none", null).map((s) => s.label)).toEqual(["b", "d", "a", "c"]);
  });

  test("refuses a label count that does not match the logits, and a negative top_k", () => {
    expect(() => classifyRow([1, 2], labels, "softmax", null)).toThrow(RangeError);
    expect(() => classifyRow([1, 2, 3], labels, "softmax", -1)).toThrow(RangeError);
  });
});

describe("defaultFunction (HF's choice when function_to_apply is not given)", () => {
  test.each([
    ["regression", 1, "none"],
    ["multi_label_classification", 5, "sigmoid"],
    ["single_label_classification", 1, "sigmoid"],
    [null, 1, "sigmoid"],
    ["single_label_classification", 3, "softmax"],
    [undefined, 2, "softmax"],
    [null, 0, "none"],
  ] as const)("problem_type %s with %i labels → %s", (problemType, n, fn) => {
    expect(defaultFunction(problemType, n)).toBe(fn);
  });
});
