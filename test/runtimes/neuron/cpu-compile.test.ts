/**
 * The CPU path of the Neuron compile target, executed: iris (an MLP with standardisation
 * baked in) gets a neuron target on the fly, trains, and `--target cpu` traces it with
 * torch.jit.trace through the generated-equivalent compile.py, validates it against the
 * ONNX golden predictions and registers IRIS-COMPILED-<n> (target cpu, lineage both ways).
 * Then the bad inputs: torch missing, weights that do not fit the architecture (failed
 * trace), golden predictions that disagree (failed validation) — each a clear message,
 * nothing uploaded — and validate.py on its own exits non-zero past the tolerance.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { lifecycleConfig } from "../../../compiler/cli/commands/run.js";
import { nodeHost } from "../../../compiler/host.js";
import { compileProject } from "../../../compiler/pipeline.js";
import { compileTarget, type CompileTarget } from "../../../runtimes/compile/index.js";
import { runLifecycle, type LifecycleConfig } from "../../../runtimes/lifecycle/index.js";
import { openRegistry, type MeshRegistry, type ModelCard, type ModelRef } from "../../../runtimes/registry/index.js";
import { compileScriptTexts } from "../../../runtimes/neuron/script-files.js";
import { generateNeuron } from "../../../generators/neuron/index.js";
import { writeFiles } from "../../support/neuron/support.js";
import { PYTHON, REPO, run, scratch } from "../../support/neuron/support.js";

const neuron: CompileTarget = { kind: "neuron", instance: "inf2", batchSize: 8, maxLength: 4, dynamicBatch: true, compilerArgs: ["--fast-math", "none"] };
const cpu: CompileTarget = { ...neuron, kind: "cpu" };

let dir: string;
let registry: MeshRegistry;
let cfg: LifecycleConfig;
const quiet = { report: () => {}, log: () => {} };
const ctx = () => ({ project: "iris", key: "IRIS", specHash: cfg.specHash, toolVersion: cfg.toolVersion, registry, log: () => {} });
const ref = (stage: "TRAINED" | "COMPILED", version: number): ModelRef => ({ project: "iris", key: "IRIS", stage, version });

beforeAll(async () => {
  dir = scratch("iris");
  registry = openRegistry(`file://${dir}/registry`);
  const ir = (await compileProject(nodeHost(REPO), "iris")).value!;
  const base = lifecycleConfig(ir);
  cfg = { ...base, compile: { ...base.compile!, targets: [...base.compile!.targets, neuron] } };
  await runLifecycle(cfg, { root: REPO, registry, ...quiet });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

async function trained(version = 1) {
  return { ref: ref("TRAINED", version), card: await registry.readModelCard(ref("TRAINED", version)) };
}

/** A trained version with the same files as IRIS-TRAINED-1 except `replace`, and card edits. */
async function fakeTrained(replace: Record<string, Uint8Array>, params: Record<string, unknown> = {}) {
  const good = await trained();
  const files: Record<string, Uint8Array> = {};
  for (const f of Object.keys(good.card.files)) files[f] = replace[f] ?? (await registry.readModelFile(good.ref, f));
  const { id: _i, files: _f, createdAt: _c, sizes: _s, ...card } = good.card;
  const r = await registry.publishModel("iris", "IRIS", "TRAINED", files, { ...card, params: { ...card.params, ...params } } as Omit<ModelCard, "id" | "files" | "createdAt">);
  return { ref: r, card: await registry.readModelCard(r) };
}

describe("--target cpu on iris", () => {
  let outcome: Awaited<ReturnType<typeof runLifecycle>>;
  beforeAll(async () => {
    outcome = await runLifecycle(cfg, { root: REPO, registry, only: "compile", targetKind: "cpu", ...quiet });
  });

  test("traces, validates against the golden predictions and registers a compiled version", async () => {
    expect(outcome.map((o) => o.status)).toEqual(["done"]);
    expect(outcome[0]!.detail).toMatch(/^IRIS-COMPILED-2 ← IRIS-TRAINED-1 \[cpu \(torch\.jit\.trace of the inf2 target, batch 8\)\], max \|Δ\| \d\.\d\de[-+]\d+$/);
    const card = await registry.readModelCard(ref("COMPILED", 2));
    expect(card.parent).toBe("IRIS-TRAINED-1");
    expect(card.target).toMatchObject({ kind: "cpu", instance: "inf2", batchSize: 8 });
    expect(Object.keys(card.files).sort()).toEqual(["neuron/compilation_specs.json", "neuron/features.json", "neuron/model.pt", "test_files/inputs.json", "test_files/predictions.json"]);
    const v = card.metrics.validation as { rows: number; maxAbsDiff: number };
    expect(v.rows).toBe(45);
    expect(v.maxAbsDiff).toBeLessThan(1e-5);
    expect((await registry.listChildren(ref("TRAINED", 1))).map((c) => c.version)).toEqual([1, 2]);
    const specs = JSON.parse(Buffer.from(await registry.readModelFile(ref("COMPILED", 2), "neuron/compilation_specs.json")).toString("utf8"));
    expect(specs).toMatchObject({ target: "cpu", instance: "inf2", layers: [4, 16, 3], tracing__batch_size: 8, tracing__max_length: 4, tracing__neuron: false });
  });

  test("a second run with the same inputs is skipped", async () => {
    const again = await runLifecycle(cfg, { root: REPO, registry, only: "compile", targetKind: "cpu", ...quiet });
    expect(again[0]!.status).toBe("skipped");
    expect(await registry.listModelVersions("iris", "IRIS", "COMPILED")).toEqual([1, 2]);
  });

  test("validate.py alone: passes on the golden files, exits 1 with the max |diff| when they disagree", async () => {
    const work = scratch("validate");
    const compiledDir = path.join(work, "compiled");
    await registry.downloadModel(ref("COMPILED", 2), compiledDir);
    const good = await trained();
    const texts = compileScriptTexts("test", {
      key: "IRIS",
      labels: ["a", "b", "c"],
      features: cfg.model.features!,
      layers: [4, 16, 3],
      standardize: true,
      instance: "inf2",
      batchSize: 8,
      dynamicBatch: true,
      compilerArgs: [],
    });
    for (const [name, text] of Object.entries(texts)) fs.writeFileSync(path.join(work, name), text);
    const inputs = path.join(work, "inputs.json");
    const golden = path.join(work, "golden.json");
    fs.writeFileSync(inputs, await registry.readModelFile(good.ref, "test_files/inputs.json"));
    const preds = JSON.parse(Buffer.from(await registry.readModelFile(good.ref, "test_files/predictions.json")).toString("utf8")) as number[][];
    fs.writeFileSync(golden, JSON.stringify(preds));
    const args = ["validate.py", "--compiled", path.join(compiledDir, "neuron"), "--features", "features.json", "--inputs", inputs, "--golden", golden];
    const ok = await run(PYTHON, args, { cwd: work });
    expect(ok.stderr).toBe("");
    expect(ok.stdout).toMatch(/^validate\.py: max \|diff\| \d\.\d{3}e-\d\d on 45 rows \(atol 0\.0001, rtol 0\.001\)\n$/);
    expect(ok.code).toBe(0);
    preds[6]![2]! += 0.05;
    fs.writeFileSync(golden, JSON.stringify(preds));
    const bad = await run(PYTHON, args, { cwd: work });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(/max \|diff\| 5\.0\d\de-02 on 45 rows/);
    expect(bad.stderr).toMatch(/differs from the golden predictions beyond atol \+ rtol \(row 7, class 3: traced/);
    fs.rmSync(work, { recursive: true, force: true });
  });
});

describe("the generated run.sh --offline (what the compile-neuron image runs)", () => {
  test("traces and validates a downloaded trained version with the generated scripts; refuses without torch", async () => {
    const work = scratch("run-sh");
    const ir = (await compileProject(nodeHost(REPO), "iris")).value!;
    if (ir.kind !== "Project") throw new Error("iris is a Project");
    const withNeuron = { ...ir, compile: { ...ir.compile!, targets: [...ir.compile!.targets, { ...neuron, kind: "neuron" as const }] } };
    writeFiles(work, generateNeuron(withNeuron));
    const trainedDir = path.join(work, "trained");
    await registry.downloadModel(ref("TRAINED", 1), trainedDir);
    const out = path.join(work, "traced");
    const r = await run("bash", [path.join(work, "compile/neuron/run.sh"), "--offline", trainedDir, out, "cpu"], { env: { ...process.env, PYTHON } });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/compile\.py: traced 4 -> 16 -> 3 for cpu at \[8, 4\]/);
    expect(r.stdout).toMatch(/validate\.py: max \|diff\| \d\.\d{3}e-\d\d on 45 rows \(atol 0\.0001, rtol 0\.001\)/);
    expect(fs.readdirSync(out).sort()).toEqual(["compilation_specs.json", "features.json", "model.pt", "predictions.json"]);
    const noTorch = await run("bash", [path.join(work, "compile/neuron/run.sh"), "--offline", trainedDir, out, "cpu"], { env: { ...process.env, PYTHON: "/bin/false" } });
    expect(noTorch.code).toBe(1);
    expect(noTorch.stderr).toMatch(/^run\.sh: \/bin\/false cannot import torch, onnx and numpy; install python3-torch/);
    const usage = await run("bash", [path.join(work, "compile/neuron/run.sh"), "gpu"]);
    expect(usage.code).toBe(2);
    fs.rmSync(work, { recursive: true, force: true });
  });
});

describe("bad input: clear message, non-zero, nothing uploaded", () => {
  test("torch missing", async () => {
    const fake = scratch("no-torch");
    fs.mkdirSync(path.join(fake, "torch"));
    fs.writeFileSync(path.join(fake, "torch", "__init__.py"), "raise ImportError(\"No module named 'torch'\")\n");
    const before = await registry.listModelVersions("iris", "IRIS", "COMPILED");
    const saved = process.env.PYTHONPATH;
    process.env.PYTHONPATH = fake;
    try {
      await expect(compileTarget(cfg.compile!, cpu, ctx(), await trained(), { force: true })).rejects.toThrow(
        /^IRIS-TRAINED-1: compile target "cpu" is not available here: No module named 'torch' for \S+python3\S*; install python3-torch/,
      );
    } finally {
      if (saved === undefined) delete process.env.PYTHONPATH;
      else process.env.PYTHONPATH = saved;
      fs.rmSync(fake, { recursive: true, force: true });
    }
    expect(await registry.listModelVersions("iris", "IRIS", "COMPILED")).toEqual(before);
  });

  test("the neuron target itself needs the Neuron SDK: says so and suggests cpu", async () => {
    const before = await registry.listModelVersions("iris", "IRIS", "COMPILED");
    await expect(compileTarget(cfg.compile!, neuron, ctx(), await trained())).rejects.toThrow(
      /^IRIS-TRAINED-1: compile target "neuron" is not available here: No module named 'torch_neuronx'; the neuron target needs the Neuron SDK .*use --target cpu/,
    );
    expect(await registry.listModelVersions("iris", "IRIS", "COMPILED")).toEqual(before);
  });

  // force: the same model.onnx was compiled before; these runs must not be skipped as unchanged.
  test("weights that do not fit the architecture fail the trace", async () => {
    const bad = await fakeTrained({}, { hidden: [8] });
    const before = await registry.listModelVersions("iris", "IRIS", "COMPILED");
    await expect(compileTarget(cfg.compile!, cpu, ctx(), bad, { force: true })).rejects.toThrow(
      /^compiling IRIS-TRAINED-\d+ for cpu \(torch\.jit\.trace of the inf2 target, batch 8\) failed: compile\.py failed: W0 is \[4, 16\] and b0 is \[16\] in model\.onnx, the spec's architecture needs \[4, 8\] and \[8\]$/,
    );
    expect(await registry.listModelVersions("iris", "IRIS", "COMPILED")).toEqual(before);
    expect(await registry.listChildren(bad.ref)).toEqual([]);
  });

  test("golden predictions that disagree fail the validation", async () => {
    const good = await trained();
    const preds = JSON.parse(Buffer.from(await registry.readModelFile(good.ref, "test_files/predictions.json")).toString("utf8")) as number[][];
    preds[3]![0]! += 0.01;
    const bad = await fakeTrained({ "test_files/predictions.json": Buffer.from(JSON.stringify(preds)) });
    const before = await registry.listModelVersions("iris", "IRIS", "COMPILED");
    await expect(compileTarget(cfg.compile!, cpu, ctx(), bad, { force: true })).rejects.toThrow(
      /^cpu \(torch\.jit\.trace of the inf2 target, batch 8\) of IRIS-TRAINED-\d+ failed validation: max \|Δ\| 1\.0\de-2 exceeds atol 0\.0001 \+ rtol 0\.001 \(row 4, class 1: .*\); nothing was registered$/,
    );
    expect(await registry.listModelVersions("iris", "IRIS", "COMPILED")).toEqual(before);
    expect(await registry.listChildren(bad.ref)).toEqual([]);
  });
});
