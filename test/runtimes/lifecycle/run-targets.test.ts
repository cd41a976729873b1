/**
 * runLifecycle on a small project read from a file:// source: every step, the neuron
 * target skipped with a note in a plain run, and `--target` selecting kinds explicitly
 * (a kind without a compiler here is a clear error; a kind the spec lacks too).
 */
import { describe, expect, test } from "vitest";
import type { CompileTarget } from "../../../runtimes/compile/index.js";
import { selectTargets } from "../../../runtimes/compile/targets.js";
import { runLifecycle, type LifecycleConfig } from "../../../runtimes/lifecycle/index.js";
import { TestRegistry } from "../../support/lifecycle/test-registry.js";
import { texts } from "../../support/lifecycle/synthetic.js";
import { tempWorkspace } from "../../support/lifecycle/workspace.js";

const neuron: CompileTarget = { kind: "neuron", instance: "inf2", batchSize: 8, maxLength: 64, dynamicBatch: true, compilerArgs: ["--fast-math", "none"] };
const onnxAll: CompileTarget = { kind: "onnx", optimization: "all" };

function project(): { root: string; cfg: LifecycleConfig } {
  const data = texts(120);
  const rows = [...data.train.rows.map((r, i) => ({ ...r, kind: data.train.y[i] ? "spam" : "ham" })), ...data.test.rows.map((r, i) => ({ ...r, kind: data.test.y[i] ? "spam" : "ham" }))];
  const root = tempWorkspace({ "data/mail.jsonl": rows.map((r) => JSON.stringify(r)).join("\n") });
  const cfg: LifecycleConfig = {
    project: "mail",
    key: "MAIL",
    specHash: "f".repeat(64),
    toolVersion: "0.1.0",
    model: { labels: ["ham", "spam"], target: "label", features: { kind: "hashed-ngrams", input: "text", dims: 64, ngrams: [1, 2], lowercase: true, maxChars: 500 } },
    ingest: { uri: "file://data/mail.jsonl", format: "auto", columns: [], maxBytes: 1 << 20, timeoutMs: 1000, retries: 0 },
    register: {
      dataset: "mail",
      columns: [
        { name: "text", type: "string", from: "text", enum: [], map: [], maxLength: 0 },
        { name: "label", type: "string", from: "kind", enum: ["ham", "spam"], map: [], maxLength: 0 },
      ],
      split: { test: 0.25, seed: 1 },
      dedupe: true,
      badRowsMaxFraction: 0,
      target: "label",
    },
    train: {
      trainer: "logistic-regression",
      params: { epochs: 10, learningRate: 0.05, l2: 0.0001, batchSize: 16, optimizer: "adam", hidden: [], patience: 0, seed: 1 },
      gates: [{ metric: "accuracy", op: ">=", value: 0.8 }],
      goldenSamples: 10,
    },
    compile: { targets: [onnxAll, neuron], validate: { samples: 10, atol: 1e-4, rtol: 1e-3 } },
  };
  return { root, cfg };
}

describe("runLifecycle", () => {
  test("runs every step, reports timings, skips the neuron target with a note", async () => {
    const { root, cfg } = project();
    const registry = new TestRegistry();
    const report: string[] = [];
    const log: string[] = [];
    const outcomes = await runLifecycle(cfg, { root, registry, report: (l) => report.push(l), log: (l) => log.push(l) });
    expect(outcomes.map((o) => [o.step, o.status])).toEqual([
      ["ingest", "done"],
      ["register", "done"],
      ["train", "done"],
      ["compile", "done"],
    ]);
    expect(report[0]).toMatch(/^\[1\/4\] ingest {3}done in \d+\.\d\d s: raw-1: 120 rows from file:\/\/data\/mail\.jsonl \(jsonl\), sha256 [0-9a-f]{12}$/);
    expect(report[3]).toMatch(/MAIL-COMPILED-1 ← MAIL-TRAINED-1 \[onnx \(optimization all\)\], max \|Δ\| .*; neuron \(inf2, batch 8\) not built here$/);
    expect(log.some((l) => l.startsWith("  note: skipping neuron (inf2, batch 8)"))).toBe(true);
    expect(await registry.listModelVersions("mail", "MAIL", "COMPILED")).toEqual([1]);
  });

  test("--target selects kinds explicitly: neuron needs the Neuron SDK, cpu traces the neuron target on this machine", async () => {
    const { root, cfg } = project();
    const registry = new TestRegistry();
    const quiet = { report: () => {}, log: () => {} };
    await runLifecycle(cfg, { root, registry, ...quiet });
    await expect(runLifecycle(cfg, { root, registry, only: "compile", targetKind: "neuron", ...quiet })).rejects.toThrow(/MAIL-TRAINED-1: compile target "neuron" is not available here/);
    const onnxOnly = await runLifecycle(cfg, { root, registry, only: "compile", targetKind: "onnx", ...quiet });
    expect(onnxOnly[0]!.status).toBe("skipped");
    const report: string[] = [];
    const cpu = await runLifecycle(cfg, { root, registry, only: "compile", targetKind: "cpu", report: (l) => report.push(l), log: () => {} });
    expect(cpu[0]!.status).toBe("done");
    expect(report[0]).toMatch(/MAIL-COMPILED-2 ← MAIL-TRAINED-1 \[cpu \(torch\.jit\.trace of the inf2 target, batch 8\)\], max \|Δ\| /);
    const card = await registry.readModelCard({ project: "mail", key: "MAIL", stage: "COMPILED", version: 2 });
    expect(card).toMatchObject({ parent: "MAIL-TRAINED-1", target: { ...neuron, kind: "cpu" } });
    expect(await registry.listChildren({ project: "mail", key: "MAIL", stage: "TRAINED", version: 1 })).toHaveLength(2);
  }, 300_000);

  test("a kind the spec does not have is refused before anything runs", async () => {
    const { root, cfg } = project();
    const noNeuron = { ...cfg, compile: { ...cfg.compile!, targets: [onnxAll] } };
    await expect(runLifecycle(noNeuron, { root, registry: new TestRegistry(), only: "compile", targetKind: "cpu", report: () => {}, log: () => {} })).rejects.toThrow(
      "the spec has no compile target of kind cpu (cpu traces the neuron targets)",
    );
  });
});

test("selectTargets: cpu is the CPU twin of each neuron target", () => {
  expect(selectTargets([onnxAll, neuron], "cpu")).toEqual([{ ...neuron, kind: "cpu" }]);
  expect(selectTargets([onnxAll, neuron], "onnx")).toEqual([onnxAll]);
  expect(selectTargets([onnxAll], "neuron")).toEqual([]);
});
