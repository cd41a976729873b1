/**
 * The training record on a trained card: per-class metrics and the confusion matrix against
 * hand-computed tiny cases, the dataset summary, and what train() actually writes (curves per
 * epoch, held-out evaluation consistent with the card's metrics, the dataset's balance and hash).
 */
import { describe, expect, test } from "vitest";
import { train, type ModelConfig, type TrainConfig } from "../../../runtimes/train/index.js";
import { computeMetrics } from "../../../runtimes/train/metrics.js";
import { datasetSummary, perClassMetrics } from "../../../runtimes/train/records.js";
import type { DatasetCard } from "../../../runtimes/registry/types.js";
import { registerRows } from "../../support/lifecycle/datasets.js";
import { TestRegistry } from "../../support/lifecycle/test-registry.js";
import { texts } from "../../support/lifecycle/synthetic.js";

describe("per-class metrics", () => {
  test("precision, recall, F1 and support from a 3-class confusion matrix, by hand", () => {
    // rows = true label, columns = predicted. c is never true but predicted once.
    const got = perClassMetrics(
      ["a", "b", "c"],
      [
        [2, 1, 0],
        [0, 3, 1],
        [0, 0, 0],
      ],
    );
    expect(got[0]).toEqual({ label: "a", precision: 1, recall: 2 / 3, f1: expect.closeTo(0.8, 12), support: 3 });
    expect(got[1]).toEqual({ label: "b", precision: 0.75, recall: 0.75, f1: expect.closeTo(0.75, 12), support: 4 });
    expect(got[2]).toEqual({ label: "c", precision: 0, recall: 0, f1: 0, support: 0 });
  });

  test("a class never predicted has precision 0 (zero_division=0), not NaN", () => {
    const [x, y] = perClassMetrics(
      ["x", "y"],
      [
        [3, 0],
        [2, 0],
      ],
    );
    expect(x).toEqual({ label: "x", precision: 0.6, recall: 1, f1: expect.closeTo(0.75, 12), support: 3 });
    expect(y).toEqual({ label: "y", precision: 0, recall: 0, f1: 0, support: 2 });
  });

  test("computeMetrics' confusion matrix is [true][predicted] and agrees with the per-class table", () => {
    const probs = [
      [0.9, 0.1], // true 0 → 0
      [0.4, 0.6], // true 0 → 1
      [0.2, 0.8], // true 1 → 1
      [0.3, 0.7], // true 1 → 1
      [0.6, 0.4], // true 1 → 0
    ];
    const m = computeMetrics(["ham", "spam"], [0, 0, 1, 1, 1], probs);
    expect(m.confusion.matrix).toEqual([
      [1, 1],
      [1, 2],
    ]);
    const [ham, spam] = perClassMetrics(m.confusion.labels, m.confusion.matrix);
    expect(ham).toMatchObject({ precision: 0.5, recall: 0.5, support: 2 });
    expect(spam).toMatchObject({ precision: 2 / 3, recall: 2 / 3, support: 3 });
    // macro-F1 is the mean of the per-class F1s.
    expect(m.macro_f1).toBeCloseTo((ham!.f1 + spam!.f1) / 2, 12);
  });
});

describe("dataset summary", () => {
  test("rows, label balance per split and content hash come from the dataset card", () => {
    const card = {
      id: "d-3",
      project: "p",
      dataset: "d",
      sha256: "a".repeat(64),
      rows: 10,
      stats: { labels: { ham: 7, spam: 3 }, splits: { train: { rows: 8, labels: { ham: 6, spam: 2 } }, test: { rows: 2, labels: { ham: 1, spam: 1 } } } },
      createdAt: "2026-01-01T00:00:00.000Z",
      files: {},
    } satisfies DatasetCard;
    expect(datasetSummary(card)).toEqual({
      id: "d-3",
      rows: 10,
      sha256: "a".repeat(64),
      labels: { ham: 7, spam: 3 },
      splits: { train: { rows: 8, labels: { ham: 6, spam: 2 } }, test: { rows: 2, labels: { ham: 1, spam: 1 } } },
    });
  });

  test("a dataset card without stats still summarises (older or hand-made cards)", () => {
    const card = { id: "d-1", project: "p", dataset: "d", sha256: "b".repeat(64), rows: 4, stats: {}, createdAt: "x", files: {} } satisfies DatasetCard;
    expect(datasetSummary(card)).toEqual({ id: "d-1", rows: 4, sha256: "b".repeat(64), labels: {} });
  });
});

describe("train() records curves, evaluation and dataset on the card", () => {
  const cfg: TrainConfig = {
    trainer: "logistic-regression",
    params: { epochs: 12, learningRate: 0.05, l2: 0.0001, batchSize: 16, optimizer: "adam", hidden: [], patience: 50, seed: 1 },
    gates: [],
    goldenSamples: 5,
  };
  const model: ModelConfig = { labels: ["ham", "spam"], target: "label", features: { kind: "hashed-ngrams", input: "text", dims: 128, ngrams: [1, 1], lowercase: true, maxChars: 50 } };

  test("one curve point per epoch run, a held-out confusion matrix that matches the metrics, and the dataset summary", async () => {
    const registry = new TestRegistry();
    const dataset = await registerRows(registry, "p", texts(160), model.labels, { text: "string" });
    const r = await train(cfg, model, { project: "p", key: "P", specHash: "s".repeat(64), toolVersion: "0.1.0", registry, log: () => {} }, dataset);
    const t = r.card.training!;
    const m = r.card.metrics as Record<string, unknown> & { epochsRun: number; testRows: number; accuracy: number; macro_f1: number };
    expect(t.curves!.epochs.map((e) => e.epoch)).toEqual(Array.from({ length: m.epochsRun }, (_, i) => i + 1));
    expect(t.curves!.bestEpoch).toBe(m.bestEpoch);
    for (const e of t.curves!.epochs) {
      expect(e.loss).toBeGreaterThan(0);
      expect(e.accuracy).toBeGreaterThanOrEqual(0);
      expect(e.accuracy).toBeLessThanOrEqual(1);
      expect(e.val_loss).toBeGreaterThan(0);
      expect(e.val_accuracy).toBeGreaterThanOrEqual(0);
    }
    // Training makes the loss fall: the last epoch is better than the first.
    expect(t.curves!.epochs.at(-1)!.loss).toBeLessThan(t.curves!.epochs[0]!.loss);
    const ev = t.evaluation!;
    expect(ev.labels).toEqual(["ham", "spam"]);
    expect(ev.rows).toBe(m.testRows);
    expect(ev.matrix.flat().reduce((a, b) => a + b, 0)).toBe(m.testRows);
    const diagonal = ev.matrix[0]![0]! + ev.matrix[1]![1]!;
    expect(diagonal / m.testRows).toBeCloseTo(m.accuracy, 12);
    expect((ev.perClass[0]!.f1 + ev.perClass[1]!.f1) / 2).toBeCloseTo(m.macro_f1, 12);
    expect(ev.perClass.map((c) => c.support)).toEqual(ev.matrix.map((row) => row[0]! + row[1]!));
    expect(t.dataset).toMatchObject({ id: dataset.card.id, rows: dataset.card.rows, sha256: dataset.card.sha256 });
    expect(Object.values(t.dataset!.labels).reduce((a, b) => a + b, 0)).toBe(dataset.card.rows);
    expect(t.dataset!.splits!.test!.rows).toBe(m.testRows);
  });
});
