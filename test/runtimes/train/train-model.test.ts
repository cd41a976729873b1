/**
 * The trainer on small synthetic sets: seeded reproducibility (same seed → same ONNX
 * bytes), convergence, what a hidden layer buys (XOR), early stopping, standardisation
 * baked into the graph, the exported graph's shape, and metrics on known confusion.
 */
import onnxProto from "onnx-proto";
import { describe, expect, test } from "vitest";
import { computeMetrics } from "../../../runtimes/train/metrics.js";
import { mulberry32 } from "../../../runtimes/train/prng.js";
import { trainModel } from "../../../runtimes/train/train-model.js";
import type { ModelConfig, TrainConfig } from "../../../runtimes/train/types.js";
import { blobs, texts, xor } from "../../support/lifecycle/synthetic.js";

const { onnx } = onnxProto;

const train = (over: Partial<TrainConfig["params"]> = {}, trainer: TrainConfig["trainer"] = "logistic-regression"): TrainConfig => ({
  trainer,
  params: { epochs: 30, learningRate: 0.05, l2: 0.0001, batchSize: 16, optimizer: "adam", hidden: trainer === "mlp" ? [16] : [], patience: 0, seed: 7, ...over },
  gates: [],
  goldenSamples: 5,
});
const tabular: ModelConfig = { labels: ["x", "y", "z"], target: "label", features: { kind: "standardize", columns: ["a", "b"] } };
const binary: ModelConfig = { labels: ["neg", "pos"], target: "label", features: { kind: "standardize", columns: ["a", "b"] } };
const text: ModelConfig = { labels: ["ham", "spam"], target: "label", features: { kind: "hashed-ngrams", input: "text", dims: 256, ngrams: [1, 2], lowercase: true, maxChars: 1000 } };
const quiet = () => {};

describe("mulberry32", () => {
  test("is a fixed sequence per seed", () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const xs = Array.from({ length: 5 }, () => a());
    expect(xs).toEqual(Array.from({ length: 5 }, () => b()));
    expect(xs.every((x) => x >= 0 && x < 1)).toBe(true);
    expect(mulberry32(43)()).not.toBe(xs[0]);
  });
});

describe("trainModel", () => {
  test("same seed → same ONNX bytes; another seed → different bytes", async () => {
    const data = texts(200);
    const a = await trainModel(data, train(), text, "t", quiet);
    const b = await trainModel(data, train(), text, "t", quiet);
    const c = await trainModel(data, train({ seed: 8 }), text, "t", quiet);
    expect(Buffer.from(a.onnx).equals(Buffer.from(b.onnx))).toBe(true);
    expect(Buffer.from(a.golden["test_files/predictions.json"]!).equals(Buffer.from(b.golden["test_files/predictions.json"]!))).toBe(true);
    expect(Buffer.from(a.onnx).equals(Buffer.from(c.onnx))).toBe(false);
  });

  test("logistic regression learns separable text and blobs; ONNX agrees with TypeScript", async () => {
    const t = await trainModel(texts(400), train(), text, "t", quiet);
    expect(t.metrics.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(t.parityMaxAbsDiff).toBeLessThanOrEqual(1e-5);
    const b = await trainModel(blobs(300), train({ learningRate: 0.1 }), tabular, "t", quiet);
    expect(b.metrics.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(b.metrics.macro_f1).toBeGreaterThanOrEqual(0.95);
    expect(b.metrics.log_loss).toBeLessThan(0.2);
  });

  test("XOR needs the hidden layer: logistic regression fails where the MLP succeeds", async () => {
    const data = xor(400);
    const linear = await trainModel(data, train({ epochs: 60 }), binary, "t", quiet);
    const mlp = await trainModel(data, train({ epochs: 150, learningRate: 0.02, hidden: [16] }, "mlp"), binary, "t", quiet);
    expect(linear.metrics.accuracy).toBeLessThan(0.75);
    expect(mlp.metrics.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(mlp.parityMaxAbsDiff).toBeLessThanOrEqual(1e-5);
  });

  test("plain SGD converges too", async () => {
    const t = await trainModel(texts(400), train({ optimizer: "sgd", learningRate: 0.5, epochs: 40 }), text, "t", quiet);
    expect(t.metrics.accuracy).toBeGreaterThanOrEqual(0.95);
  });

  test("early stopping keeps the best validation epoch and stops early", async () => {
    const lines: string[] = [];
    const t = await trainModel(texts(200, 5, 0.2), train({ epochs: 200, patience: 2, learningRate: 0.2 }), text, "t", (l) => lines.push(l));
    expect(t.fit.validationRows).toBe(15);
    expect(t.fit.epochsRun).toBeLessThan(200);
    expect(t.fit.bestEpoch).toBe(t.fit.epochsRun - 2);
    expect(lines.some((l) => l.includes(`early stop at epoch ${t.fit.epochsRun}`))).toBe(true);
  });

  test("standardisation lives in the graph: Sub/Div with the training split's mean and std", async () => {
    const data = blobs(150);
    const t = await trainModel(data, train(), tabular, "9.9.9", quiet);
    const m = onnx.ModelProto.decode(t.onnx);
    expect(Number(m.irVersion)).toBe(8);
    expect(m.opsetImport.map((o) => [o.domain, Number(o.version)])).toEqual([["", 17]]);
    expect(m.producerVersion).toBe("9.9.9");
    const g = m.graph!;
    expect(g.node!.map((n) => n.opType)).toEqual(["Sub", "Div", "MatMul", "Add", "Softmax"]);
    expect(g.input![0]!.name).toBe("features");
    expect(g.input![0]!.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual(["N", 2]);
    expect(g.output![0]!.name).toBe("probabilities");
    expect(g.output![0]!.type!.tensorType!.shape!.dim!.map((d) => d.dimParam || Number(d.dimValue))).toEqual(["N", 3]);
    const mean = new Float32Array(new Uint8Array(g.initializer!.find((i) => i.name === "mean")!.rawData!).slice().buffer);
    const a = data.train.rows.map((r) => Number(r.a));
    expect(mean[0]).toBeCloseTo(a.reduce((x, y) => x + y, 0) / a.length, 3);
    // Golden inputs are raw attributes, as a client sends them.
    const inputs = JSON.parse(Buffer.from(t.golden["test_files/inputs.json"]!).toString());
    expect(inputs[0]).toEqual({ a: data.test.rows[0]!.a, b: data.test.rows[0]!.b });
    expect(JSON.parse(Buffer.from(t.golden["test_files/predictions.json"]!).toString())).toHaveLength(5);
  });

  test("an MLP graph has a Relu between its layers", async () => {
    const t = await trainModel(blobs(90), train({ epochs: 3, hidden: [8, 4] }, "mlp"), tabular, "t", quiet);
    expect(onnx.ModelProto.decode(t.onnx).graph!.node!.map((n) => n.opType)).toEqual(["Sub", "Div", "MatMul", "Add", "Relu", "MatMul", "Add", "Relu", "MatMul", "Add", "Softmax"]);
  });
});

describe("metrics", () => {
  test("accuracy, macro-F1, log-loss and confusion on a known case", () => {
    const m = computeMetrics(
      ["a", "b"],
      [0, 0, 1, 1],
      [
        [0.9, 0.1],
        [0.4, 0.6],
        [0.2, 0.8],
        [0.3, 0.7],
      ],
    );
    expect(m.accuracy).toBe(0.75);
    expect(m.confusion.matrix).toEqual([
      [1, 1],
      [0, 2],
    ]);
    // F1(a) = 2·1/(2·1+0+1) = 2/3; F1(b) = 2·2/(2·2+1+0) = 4/5.
    expect(m.macro_f1).toBeCloseTo((2 / 3 + 4 / 5) / 2, 12);
    expect(m.log_loss).toBeCloseTo(-(Math.log(0.9) + Math.log(0.4) + Math.log(0.8) + Math.log(0.7)) / 4, 12);
  });
  test("labels absent from truth and predictions do not drag macro-F1 down", () => {
    expect(
      computeMetrics(
        ["a", "b", "c"],
        [0, 1],
        [
          [1, 0, 0],
          [0, 1, 0],
        ],
      ).macro_f1,
    ).toBe(1);
  });
});
