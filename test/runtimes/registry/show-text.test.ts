/**
 * `mesh registry show ID` as text: a readable summary of the card (metrics, params, dataset,
 * lineage, aliases, the training record in one line, the confusion matrix as an aligned table,
 * per-class P/R/F1), bounded and inert for hostile cards; `--format json` keeps the whole card.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { registryShow, type RegistryContext } from "../../../compiler/cli/commands/registry.js";
import { openRegistry } from "../../../runtimes/registry/index.js";
import type { TrainingRecord } from "../../../runtimes/registry/training-record.js";

const enc = (s: string) => new TextEncoder().encode(s);
const now = () => new Date("2026-11-26T10:00:00.000Z");

function capture(cwd: string): RegistryContext & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return { cwd, env: {}, stdout: (s) => (out += s), stderr: (s) => (err += s), out: () => out, err: () => err };
}

const epochs = Array.from({ length: 40 }, (_, i) => ({ epoch: i + 1, loss: 1 / (i + 2), accuracy: 0.5 + i / 100, val_loss: 1 / (i + 1.5), val_accuracy: 0.5 + i / 110 }));
const training: TrainingRecord = {
  curves: { epochs, bestEpoch: 31 },
  evaluation: {
    split: "test",
    rows: 580,
    labels: ["ham", "spam"],
    matrix: [
      [401, 9],
      [14, 156],
    ],
    perClass: [
      { label: "ham", precision: 0.9663, recall: 0.978, f1: 0.9721, support: 410 },
      { label: "spam", precision: 0.9455, recall: 0.9176, f1: 0.9313, support: 170 },
    ],
  },
  dataset: { id: "spam-assassin-1", rows: 5796, sha256: "ab".repeat(32), labels: { ham: 4100, spam: 1696 } },
};

let ws: string;
beforeAll(async () => {
  ws = await mkdtemp(join(tmpdir(), "mesh-show-text-"));
  const reg = openRegistry(`file://${join(ws, ".mesh/registry")}`, { now });
  const base = { project: "spam", specHash: "c".repeat(64), toolVersion: "0.1.0", dataset: { name: "spam-assassin", version: 1, sha256: "ab".repeat(32) } };
  const v1 = await reg.publishModel(
    "spam",
    "SPAM",
    "TRAINED",
    { "model.onnx": new Uint8Array(2048) },
    { ...base, type: "trained", params: { epochs: 40, lr: 0.01 }, metrics: { accuracy: 0.9603, macroF1: 0.9517 }, training },
  );
  await reg.setAlias("spam", "candidate", v1, { by: "test" });
  // A hostile card: thousands of labels, a huge string, terminal escapes and bidi overrides in names.
  const labels = Array.from({ length: 400 }, (_, i) => `label-${i}`);
  const hostile: TrainingRecord = {
    curves: { epochs: Array.from({ length: 5000 }, (_, i) => ({ epoch: i + 1, loss: 0.5, accuracy: 0.5 })), bestEpoch: 5000 },
    evaluation: {
      split: "test",
      rows: 400,
      labels,
      matrix: labels.map((_, r) => labels.map((_, c) => (r === c ? 1 : 0))),
      perClass: labels.map((label) => ({ label, precision: 1, recall: 1, f1: 1, support: 1 })),
    },
  };
  await reg.publishModel(
    "spam",
    "SPAM",
    "TRAINED",
    { "model.onnx": enc("x") },
    {
      ...base,
      type: "trained",
      params: { description: "A".repeat(100_000), "\u001b[2J\u001b[31mred": 1, ...Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`p${i}`, i])) },
      metrics: { accuracy: 0.5, "evil\u202eerom": 1 },
      training: hostile,
    },
  );
});
afterAll(async () => {
  await rm(ws, { recursive: true, force: true });
});

describe("mesh registry show (text)", () => {
  test("summarises the card: lineage, aliases, metrics, params, training in one line, the confusion matrix and per-class metrics", async () => {
    const ctx = capture(ws);
    expect(await registryShow("SPAM-TRAINED-1", { format: "text" }, ctx)).toBe(0);
    const out = ctx.out();
    const lines = out.split("\n");
    expect(lines[0]).toBe("SPAM-TRAINED-1 (model of project spam) in file://.mesh/registry");
    expect(lines).toContain("aliases:    candidate");
    expect(lines).toContain(`dataset:    spam-assassin-1 (sha256 ${"ab".repeat(6)}…)`);
    expect(lines).toContain("training: 40 epochs, best epoch 31, final loss 0.0244, final val loss 0.0247");
    expect(lines).toContain("trained on: spam-assassin-1, 5796 rows, labels ham=4100 spam=1696");
    expect(out).toContain("metrics\n  accuracy  0.9603\n  macroF1   0.9517\n");
    expect(out).toContain("params\n  epochs  40\n  lr      0.01\n");
    // The matrix, aligned: labels left, counts right-aligned under their column.
    expect(out).toContain(["    true \\ predicted  ham  spam", "    ham               401     9", "    spam               14   156"].join("\n"));
    expect(out).toContain(["    label  precision  recall      f1  support", "    ham       0.9663   0.978  0.9721      410", "    spam      0.9455  0.9176  0.9313      170"].join("\n"));
    expect(lines).toContain("files (1, 2.0 KiB): model.onnx");
    expect(lines.at(-2)).toBe("full card: mesh registry show spam/SPAM-TRAINED-1 --format json");
    // No per-epoch curve is printed: 40 epochs fit in one line.
    expect(out).not.toContain('"epoch"');
    expect(lines.length).toBeLessThan(40);
  });

  test("a hostile card stays bounded and inert, with markers saying what was left out", async () => {
    const ctx = capture(ws);
    expect(await registryShow("SPAM-TRAINED-2", { format: "text" }, ctx)).toBe(0);
    const out = ctx.out();
    expect(out.length).toBeLessThan(8_000);
    expect(out.split("\n").length).toBeLessThan(120);
    expect(out).toContain("training: 5000 epochs, best epoch 5000, final loss 0.5");
    expect(out).toContain("… (+99880 chars)");
    expect(out).toContain("… 390 more labels not drawn (--format json shows the whole matrix)");
    expect(out).toContain("… 380 more (--format json shows all)"); // per-class rows
    expect(out).toContain("… 482 more (--format json shows all)"); // params
    // Terminal escapes and bidi overrides are shown escaped, never emitted.
    expect(out).not.toMatch(/[\u001b\u202e]/);
    expect(out).toContain("\\u001b[2J\\u001b[31mred");
    expect(out).toContain("evil\\u202eerom");
  });

  test("--format json keeps the whole card, training record included", async () => {
    const ctx = capture(ws);
    expect(await registryShow("SPAM-TRAINED-1", { format: "json" }, ctx)).toBe(0);
    const shown = JSON.parse(ctx.out());
    expect(shown.card.training).toEqual(training);
    expect(shown.aliases).toEqual(["candidate"]);
  });

  test("a dataset version: rows, hash, stats", async () => {
    const reg = openRegistry(`file://${join(ws, ".mesh/registry")}`, { now });
    await reg.publishDataset(
      "spam",
      "spam-assassin",
      { "data.jsonl": enc("{}\n") },
      { project: "spam", dataset: "spam-assassin", sha256: "ab".repeat(32), rows: 5796, stats: { labels: { ham: 4100, spam: 1696 } } },
    );
    const ctx = capture(ws);
    expect(await registryShow("spam-assassin-1", { format: "text", project: "spam" }, ctx)).toBe(0);
    const lines = ctx.out().split("\n");
    expect(lines[0]).toBe("spam-assassin-1 (dataset of project spam) in file://.mesh/registry");
    expect(lines).toContain("rows:     5796");
    expect(lines).toContain('  labels  {"ham":4100,"spam":1696}');
  });
});
