/**
 * The exported graphs pass ONNX's own checker (Debian's python3-onnx, full shape
 * inference), not only onnxruntime: other tools (Neuron, converters) read these files.
 * The interpreter comes from PYTHON, default /usr/bin/python3 (ENVIRONMENT.md).
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { trainModel } from "../../../runtimes/train/train-model.js";
import type { ModelConfig, TrainConfig } from "../../../runtimes/train/types.js";
import { blobs, texts } from "../../support/lifecycle/synthetic.js";
import { tempWorkspace } from "../../support/lifecycle/workspace.js";

const PYTHON = process.env.PYTHON ?? "/usr/bin/python3";
const CHECK = `
import sys, onnx
m = onnx.load(sys.argv[1])
onnx.checker.check_model(m, full_check=True)
g = m.graph
print(m.ir_version, m.opset_import[0].version, g.input[0].name, g.input[0].type.tensor_type.shape.dim[0].dim_param, g.output[0].name, [n.op_type for n in g.node])
`;

function check(bytes: Uint8Array): string {
  const file = path.join(tempWorkspace(), "model.onnx");
  fs.writeFileSync(file, bytes);
  return execFileSync(PYTHON, ["-c", CHECK, file], { encoding: "utf8" }).trim();
}

const cfg = (trainer: TrainConfig["trainer"], hidden: number[]): TrainConfig => ({
  trainer,
  params: { epochs: 3, learningRate: 0.05, l2: 0, batchSize: 16, optimizer: "adam", hidden, patience: 0, seed: 1 },
  gates: [],
  goldenSamples: 3,
});

describe("onnx.checker accepts the exported models", () => {
  test("logistic regression over hashed n-grams", async () => {
    const model: ModelConfig = { labels: ["ham", "spam"], target: "label", features: { kind: "hashed-ngrams", input: "text", dims: 64, ngrams: [1, 2], lowercase: true, maxChars: 100 } };
    const t = await trainModel(texts(40), cfg("logistic-regression", []), model, "0.1.0", () => {});
    expect(check(t.onnx)).toBe("8 17 features N probabilities ['MatMul', 'Add', 'Softmax']");
  });

  test("an MLP with standardisation baked in", async () => {
    const model: ModelConfig = { labels: ["x", "y", "z"], target: "label", features: { kind: "standardize", columns: ["a", "b"] } };
    const t = await trainModel(blobs(60), cfg("mlp", [8]), model, "0.1.0", () => {});
    expect(check(t.onnx)).toBe("8 17 features N probabilities ['Sub', 'Div', 'MatMul', 'Add', 'Relu', 'MatMul', 'Add', 'Softmax']");
  });
});
