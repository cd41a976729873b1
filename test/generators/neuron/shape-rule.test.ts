/**
 * `mesh validate` refuses Neuron shapes inconsistent with the model or with serve batching,
 * pointing at the line and column (MESH036).
 */
import { describe, expect, test } from "vitest";
import { compileSpec, edit, exampleText } from "../../support/frontend/helpers.js";

const SPAM = exampleText("spam");
const IRIS = exampleText("iris");
const S = "projects/spam/project.yaml";

describe("neuron shapes", () => {
  test("max_length other than the hashed feature width is refused where it is written", async () => {
    const text = edit(SPAM, "batch_size: 8, dynamic_batch: true }", "batch_size: 8, dynamic_batch: true, max_length: 128 }");
    expect((await compileSpec(text)).lines).toEqual([
      `${S}:43:89 error MESH036 steps.compile.targets.1.max_length: max_length 128 of neuron target 2 (inf2) is not the model's input width (features.dims 4096); the model is traced at [batch_size, 4096]\n    hint: remove max_length (it defaults to the input width) or set it to 4096`,
    ]);
    expect((await compileSpec(edit(SPAM, "batch_size: 8, dynamic_batch: true }", "batch_size: 8, dynamic_batch: true, max_length: 4096 }"))).lines).toEqual([]);
  });

  test("tabular models: the width is the column count", async () => {
    const text = edit(IRIS, "      - { kind: onnx, optimization: all }\n", "      - { kind: onnx, optimization: all }\n      - { kind: neuron, instance: inf2, batch_size: 8, max_length: 5 }\n");
    const r = await compileSpec(text);
    expect(r.lines).toHaveLength(1);
    expect(r.lines[0]).toContain("error MESH036 steps.compile.targets.1.max_length: max_length 5 of neuron target 2 (inf2) is not the model's input width (4 feature columns)");
  });

  test("batching rules still apply with line and column (serve.batching.max_batch)", async () => {
    expect((await compileSpec(edit(SPAM, "max_batch: 32", "max_batch: 12"))).lines[0]).toMatch(
      /^projects\/spam\/project\.yaml:\d+:\d+ error MESH030 steps\.serve\.batching\.max_batch: serve\.batching\.max_batch is 12, not a multiple of batch_size 8/,
    );
  });
});
