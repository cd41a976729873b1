/**
 * compile, ONNX target: offline optimisation, parity with the parent's golden predictions,
 * lineage both ways, skipping unchanged inputs — and the failures that register nothing:
 * a corrupt ONNX file, golden predictions the compiled model does not reproduce, and a
 * target kind that is not available here.
 */
import * as ort from "onnxruntime-node";
import { beforeAll, describe, expect, test } from "vitest";
import { compileTarget, type CompileConfig, type CompileTarget } from "../../../runtimes/compile/index.js";
import type { ModelCard, ModelRef } from "../../../runtimes/registry/types.js";
import { train, type ModelConfig, type TrainConfig } from "../../../runtimes/train/index.js";
import { registerRows } from "../../support/lifecycle/datasets.js";
import { TestRegistry } from "../../support/lifecycle/test-registry.js";
import { texts } from "../../support/lifecycle/synthetic.js";

const model: ModelConfig = { labels: ["ham", "spam"], target: "label", features: { kind: "hashed-ngrams", input: "text", dims: 128, ngrams: [1, 2], lowercase: true, maxChars: 200 } };
const trainCfg: TrainConfig = {
  trainer: "mlp",
  params: { epochs: 10, learningRate: 0.02, l2: 0.0001, batchSize: 16, optimizer: "adam", hidden: [8], patience: 0, seed: 3 },
  gates: [],
  goldenSamples: 30,
};
const onnxAll: CompileTarget = { kind: "onnx", optimization: "all" };
const compileCfg = (targets: CompileTarget[] = [onnxAll], samples = 20): CompileConfig => ({ targets, validate: { samples, atol: 1e-4, rtol: 1e-3 } });
const ctx = (registry: TestRegistry) => ({ project: "p", key: "P", specHash: "h", toolVersion: "0.1.0", registry, log: () => {} });

async function trainedIn(registry: TestRegistry) {
  const dataset = await registerRows(registry, "p", texts(160), model.labels, { text: "string" });
  return train(trainCfg, model, ctx(registry), dataset);
}

/** Publishes a trained version with the given files (to fake corrupt artifacts). */
async function fakeTrained(registry: TestRegistry, files: Record<string, Uint8Array>, from: ModelCard): Promise<{ ref: ModelRef; card: ModelCard }> {
  const { id: _id, files: _f, createdAt: _c, ...card } = from;
  const ref = await registry.publishModel("p", "P", "TRAINED", files, card);
  return { ref, card: await registry.readModelCard(ref) };
}

describe("compile to ONNX", () => {
  let registry: TestRegistry;
  let trained: Awaited<ReturnType<typeof trainedIn>>;
  beforeAll(async () => {
    registry = new TestRegistry();
    trained = await trainedIn(registry);
  });

  test("publishes <KEY>-COMPILED-1 with its parent, validation figures and own test files; the parent lists the child", async () => {
    const lines: string[] = [];
    const r = await compileTarget(compileCfg(), onnxAll, { ...ctx(registry), log: (l) => lines.push(l) }, trained);
    expect(r.card).toMatchObject({ id: "P-COMPILED-1", type: "compiled", parent: "P-TRAINED-1", target: onnxAll, dataset: trained.card.dataset });
    const v = (r.card.metrics as { validation: { rows: number; maxAbsDiff: number } }).validation;
    expect(v.rows).toBe(20);
    expect(v.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    expect(lines.some((l) => /max \|Δ\| \S+ against P-TRAINED-1's golden predictions on 20 rows \(atol 0\.0001, rtol 0\.001\)/.test(l))).toBe(true);
    expect(await registry.listChildren(trained.ref)).toEqual([r.ref]);
    const inputs = JSON.parse(Buffer.from(await registry.readModelFile(r.ref, "test_files/inputs.json")).toString());
    const preds = JSON.parse(Buffer.from(await registry.readModelFile(r.ref, "test_files/predictions.json")).toString());
    expect(inputs).toHaveLength(20);
    expect(preds).toHaveLength(20);
    // The compiled file is a loadable ONNX model with the same signature.
    const session = await ort.InferenceSession.create(await registry.readModelFile(r.ref, "model.onnx"));
    expect([session.inputNames, session.outputNames]).toEqual([["features"], ["probabilities"]]);
    await session.release();
  });

  test("unchanged inputs are skipped; another optimisation level is another version", async () => {
    const again = await compileTarget(compileCfg(), onnxAll, ctx(registry), trained);
    expect(again).toMatchObject({ skipped: true, card: { id: "P-COMPILED-1" } });
    const basic: CompileTarget = { kind: "onnx", optimization: "basic" };
    const r = await compileTarget(compileCfg([basic]), basic, ctx(registry), trained);
    expect(r).toMatchObject({ skipped: false, card: { id: "P-COMPILED-2", target: basic } });
    // Back to "all": its newest version still matches, so nothing new.
    expect((await compileTarget(compileCfg(), onnxAll, ctx(registry), trained)).skipped).toBe(true);
  });

  test("asking for more samples than golden rows validates on all of them, with a note", async () => {
    const lines: string[] = [];
    const disabled: CompileTarget = { kind: "onnx", optimization: "disabled" };
    const r = await compileTarget(compileCfg([disabled], 500), disabled, { ...ctx(registry), log: (l) => lines.push(l) }, trained);
    expect((r.card.metrics as { validation: { rows: number } }).validation.rows).toBe(30);
    expect(lines.some((l) => l.includes("holds 30 golden rows; validating on all of them (validate.samples = 500)"))).toBe(true);
  });
});

describe("compile failures register nothing", () => {
  test("a corrupt ONNX file is a clear error", async () => {
    const registry = new TestRegistry();
    const good = await trainedIn(registry);
    const files = {
      "model.onnx": new Uint8Array([8, 1, 18, 3, 0xff, 0xfe]),
      "test_files/inputs.json": await registry.readModelFile(good.ref, "test_files/inputs.json"),
      "test_files/predictions.json": await registry.readModelFile(good.ref, "test_files/predictions.json"),
    };
    const bad = await fakeTrained(registry, files, good.card);
    await expect(compileTarget(compileCfg(), onnxAll, ctx(registry), bad)).rejects.toThrow(/^P-TRAINED-2: onnxruntime could not load the model: /);
    expect(await registry.listModelVersions("p", "P", "COMPILED")).toEqual([]);
    expect(await registry.listChildren(bad.ref)).toEqual([]);
  });

  test("golden predictions the compiled model does not reproduce fail validation with the figure", async () => {
    const registry = new TestRegistry();
    const good = await trainedIn(registry);
    const preds = JSON.parse(Buffer.from(await registry.readModelFile(good.ref, "test_files/predictions.json")).toString()) as number[][];
    preds[3]![0]! += 0.01;
    const files = {
      "model.onnx": await registry.readModelFile(good.ref, "model.onnx"),
      "test_files/inputs.json": await registry.readModelFile(good.ref, "test_files/inputs.json"),
      "test_files/predictions.json": Buffer.from(JSON.stringify(preds)),
    };
    const bad = await fakeTrained(registry, files, good.card);
    await expect(compileTarget(compileCfg(), onnxAll, ctx(registry), bad)).rejects.toThrow(
      /^onnx \(optimization all\) of P-TRAINED-2 failed validation: max \|Δ\| 1\.00e-2 exceeds atol 0\.0001 \+ rtol 0\.001 \(row 4, class 1: .*\); nothing was registered$/,
    );
    expect(await registry.listModelVersions("p", "P", "COMPILED")).toEqual([]);
  });

  test("a target kind without a compiler here says so", async () => {
    const registry = new TestRegistry();
    const good = await trainedIn(registry);
    // A kind nobody registered in TARGET_COMPILERS (neuron and cpu belong to runtimes/neuron).
    const tpu = { kind: "tpu" } as unknown as CompileTarget;
    await expect(compileTarget(compileCfg([tpu]), tpu, ctx(registry), good)).rejects.toThrow(/^P-TRAINED-1: compile target "tpu" is not available here; it is compiled by its own image/);
    expect(await registry.listModelVersions("p", "P", "COMPILED")).toEqual([]);
  });
});
