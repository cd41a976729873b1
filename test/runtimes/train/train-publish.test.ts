/**
 * train() against a registry: what a trained version holds (card, model, golden files),
 * skipping unchanged inputs, and the failures that must leave the registry unchanged —
 * a missed gate (with the real figure) and a dataset that does not fit the model.
 */
import { describe, expect, test } from "vitest";
import { train, type ModelConfig, type TrainConfig } from "../../../runtimes/train/index.js";
import { registerRows } from "../../support/lifecycle/datasets.js";
import { TestRegistry } from "../../support/lifecycle/test-registry.js";
import { blobs, texts } from "../../support/lifecycle/synthetic.js";

const cfg = (over: Partial<TrainConfig> = {}): TrainConfig => ({
  trainer: "logistic-regression",
  params: { epochs: 20, learningRate: 0.05, l2: 0.0001, batchSize: 16, optimizer: "adam", hidden: [], patience: 3, seed: 1 },
  gates: [{ metric: "accuracy", op: ">=", value: 0.9 }],
  goldenSamples: 10,
  ...over,
});
const model: ModelConfig = { labels: ["ham", "spam"], target: "label", features: { kind: "hashed-ngrams", input: "text", dims: 128, ngrams: [1, 1], lowercase: true, maxChars: 50 } };
const ctx = (registry: TestRegistry) => ({ project: "p", key: "P", specHash: "s".repeat(64), toolVersion: "0.1.0", registry, log: () => {} });

describe("train publishes <KEY>-TRAINED-<n>", () => {
  test("with model.onnx, golden files and a card that records where it came from", async () => {
    const registry = new TestRegistry();
    const dataset = await registerRows(registry, "p", texts(200), model.labels, { text: "string" });
    const r = await train(cfg(), model, ctx(registry), dataset);
    expect(r.card.id).toBe("P-TRAINED-1");
    expect(r.card).toMatchObject({
      type: "trained",
      project: "p",
      specHash: "s".repeat(64),
      toolVersion: "0.1.0",
      dataset: { name: "d", version: 1, sha256: dataset.card.sha256 },
      params: { trainer: "logistic-regression", epochs: 20, seed: 1, labels: ["ham", "spam"], features: model.features },
    });
    expect(r.card.inputsHash).toMatch(/^[0-9a-f]{64}$/);
    const m = r.card.metrics as Record<string, number>;
    expect(m.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(m.onnxParityMaxAbsDiff).toBeLessThanOrEqual(1e-5);
    expect(Object.keys(r.card.files).sort()).toEqual(["model.onnx", "test_files/inputs.json", "test_files/predictions.json"]);
    const inputs = JSON.parse(Buffer.from(await registry.readModelFile(r.ref, "test_files/inputs.json")).toString());
    const preds = JSON.parse(Buffer.from(await registry.readModelFile(r.ref, "test_files/predictions.json")).toString());
    expect(inputs).toHaveLength(10);
    expect(Object.keys(inputs[0])).toEqual(["text"]);
    expect(inputs.every((i: { text: string }) => i.text.length <= 50)).toBe(true); // stored as the featurizer sees it
    expect(preds[0]).toHaveLength(2);
    expect(preds[0][0] + preds[0][1]).toBeCloseTo(1, 5);
  });

  test("unchanged inputs are skipped; a changed train config trains version 2", async () => {
    const registry = new TestRegistry();
    const dataset = await registerRows(registry, "p", texts(100), model.labels, { text: "string" });
    await train(cfg(), model, ctx(registry), dataset);
    const again = await train(cfg(), model, ctx(registry), dataset);
    expect(again).toMatchObject({ skipped: true, card: { id: "P-TRAINED-1" } });
    const changed = await train(cfg({ params: { ...cfg().params, seed: 2 } }), model, ctx(registry), dataset);
    expect(changed.card.id).toBe("P-TRAINED-2");
    const forced = await train(cfg({ params: { ...cfg().params, seed: 2 } }), model, ctx(registry), dataset, { force: true });
    expect(forced.card.id).toBe("P-TRAINED-3");
  });

  test("a missed gate fails with the real figure and registers nothing", async () => {
    const registry = new TestRegistry();
    const dataset = await registerRows(registry, "p", texts(120, 9, 0.4), model.labels, { text: "string" });
    const before = registry.publishes;
    const err = await train(
      cfg({
        gates: [
          { metric: "accuracy", op: ">=", value: 0.99 },
          { metric: "log_loss", op: "<=", value: 0.01 },
        ],
      }),
      model,
      ctx(registry),
      dataset,
    ).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(
      /^gate accuracy >= 0\.99 missed: accuracy is 0\.\d{4} on \d+ held-out rows; gate log_loss <= 0\.01 missed: log_loss is \d+\.\d{4} on \d+ held-out rows; nothing was registered$/,
    );
    expect(registry.publishes).toBe(before);
    expect(await registry.listModelVersions("p", "P", "TRAINED")).toEqual([]);
  });

  test("a dataset whose labels the model does not know is a clear error, nothing registered", async () => {
    const registry = new TestRegistry();
    const dataset = await registerRows(registry, "p", blobs(60), ["x", "y", "z"], { a: "number", b: "number" });
    const tab: ModelConfig = { labels: ["x", "y"], target: "label", features: { kind: "standardize", columns: ["a", "b"] } };
    await expect(train(cfg({ gates: [] }), tab, ctx(registry), dataset)).rejects.toThrow(/dataset d-1: data\.jsonl line \d+: label "z" in column label is not one of the model's labels \(x, y\)/);
    expect(await registry.listModelVersions("p", "P", "TRAINED")).toEqual([]);
  });
});
