/**
 * The CPU twin of the transformer Neuron target, executed end to end on the example models
 * (registry on a temp folder): `--only compile --target cpu` traces each trained folder with
 * compile.py (torch.jit.trace at [batch_size, max_length]), tokenizes the golden documents in
 * TypeScript, runs them through validate.py, and registers <KEY>-COMPILED-n — model.pt,
 * compilation.json, tokenizer/config and encoded.json, no model.onnx — linked to its parent.
 * Sentiment (XLM-R style, two inputs, logits), NER (BERT, token logits) and keywords with an
 * inf1 target of a fixed batch 4 (pooled vectors; the last chunk is padded).
 * Then validate.py on its own (passes, catches a perturbed model.pt, refuses short goldens),
 * run.sh --offline, and the bad inputs: a perturbed trained model, no torchscript.pt, a wrong
 * max_length, the neuron target without the SDK — each one clear sentence, nothing registered.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { lifecycleConfig } from "../../../compiler/cli/commands/run.js";
import type { ProjectIR } from "../../../compiler/ir.js";
import { generateNeuron } from "../../../generators/neuron/index.js";
import { compileTarget, type CompileTarget } from "../../../runtimes/compile/index.js";
import { runLifecycle, type LifecycleConfig } from "../../../runtimes/lifecycle/index.js";
import { programPath } from "../../../runtimes/neuron/transformer/scripts.js";
import { openRegistry, type MeshRegistry, type ModelCard, type ModelRef } from "../../../runtimes/registry/index.js";
import { PYTHON, run, scratch, writeFiles } from "../../support/neuron/support.js";
import { availableExamples, exampleWorkspace, withKeywordsNeuronTarget, type ExampleName, type Workspace } from "../../support/neuron/transformer-workspace.js";

/** Every example whose model is built; the suites need at least sentiment and NER. */
const NAMES: readonly ExampleName[] = availableExamples();
const KEY: Record<ExampleName, string> = { sentiment: "SENTIMENT", ner: "NER", keywords: "KEYWORDS" };
const quiet = { report: () => {}, log: () => {} };
const PYENV = { ...process.env, PYTHON, PYTHONDONTWRITEBYTECODE: "1" };

let ws: Workspace;
let dir: string;
let registry: MeshRegistry;
const irs = {} as Record<ExampleName, ProjectIR>;
const cfgs = {} as Record<ExampleName, LifecycleConfig>;
const outcomes = {} as Record<ExampleName, Awaited<ReturnType<typeof runLifecycle>>>;

const ref = (name: ExampleName, stage: "TRAINED" | "COMPILED", version: number): ModelRef => ({ project: name, key: KEY[name], stage, version });
const ctx = (name: ExampleName) => ({ project: name, key: KEY[name], specHash: cfgs[name].specHash, toolVersion: cfgs[name].toolVersion, registry, log: () => {} });
const cpuOf = (name: ExampleName): CompileTarget => {
  const t = cfgs[name].compile!.targets.find((x) => x.kind === "neuron");
  if (!t || t.kind !== "neuron") throw new Error(`${name} has no neuron target`);
  return { ...t, kind: "cpu" };
};
const readJson = async <T>(r: ModelRef, file: string): Promise<T> => JSON.parse(Buffer.from(await registry.readModelFile(r, file)).toString("utf8")) as T;

async function trained(name: ExampleName, version = 1) {
  return { ref: ref(name, "TRAINED", version), card: await registry.readModelCard(ref(name, "TRAINED", version)) };
}

/** A trained version with the files of <KEY>-TRAINED-1, `replace`d (null: left out). */
async function fakeTrained(name: ExampleName, replace: Record<string, Uint8Array | null>) {
  const good = await trained(name);
  const files: Record<string, Uint8Array> = {};
  for (const f of Object.keys(good.card.files)) {
    const r = f in replace ? replace[f] : await registry.readModelFile(good.ref, f);
    if (r) files[f] = r;
  }
  const { id: _i, files: _f, createdAt: _c, sizes: _s, ...card } = good.card;
  const r = await registry.publishModel(name, KEY[name], "TRAINED", files, card as Omit<ModelCard, "id" | "files" | "createdAt">);
  return { ref: r, card: await registry.readModelCard(r) };
}

/** Adds noise to every parameter of a TorchScript file (seeded): a model that no longer matches its goldens. */
async function perturb(from: string, to: string, scale = 0.05): Promise<void> {
  const code = `import sys, torch
torch.manual_seed(0)
m = torch.jit.load(sys.argv[1])
with torch.no_grad():
    for p in m.parameters():
        p.add_(${scale} * torch.randn_like(p))
m.save(sys.argv[2])`;
  const r = await run(PYTHON, ["-c", code, from, to], { env: PYENV });
  if (r.code !== 0) throw new Error(r.stderr);
}

const present = NAMES.includes("sentiment") && NAMES.includes("ner");

beforeAll(async () => {
  if (!present) return;
  ws = await exampleWorkspace(NAMES, { edit: withKeywordsNeuronTarget });
  dir = scratch("transformer-registry");
  registry = openRegistry(`file://${dir}/registry`);
  for (const name of NAMES) {
    irs[name] = await ws.ir(name);
    cfgs[name] = lifecycleConfig(irs[name]);
    await runLifecycle(cfgs[name], { root: ws.root, registry, only: "train", ...quiet });
    outcomes[name] = await runLifecycle(cfgs[name], { root: ws.root, registry, only: "compile", targetKind: "cpu", ...quiet });
  }
}, 240_000);
afterAll(() => {
  ws?.remove();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(!present)("--target cpu on the transformer examples", () => {
  test.each(NAMES)("%s: traced, validated against the trained goldens, registered as COMPILED-1 (target cpu) with lineage", async (name) => {
    expect(outcomes[name].map((o) => o.status)).toEqual(["done"]);
    expect(outcomes[name][0]!.detail).toMatch(
      new RegExp(`^${KEY[name]}-COMPILED-1 ← ${KEY[name]}-TRAINED-1 \\[cpu \\(torch\\.jit\\.trace of the inf\\d target, batch \\d\\)\\], max \\|Δ\\| \\d\\.\\d\\de[-+]\\d+$`),
    );
    const card = await registry.readModelCard(ref(name, "COMPILED", 1));
    const t = cpuOf(name);
    expect(card.parent).toBe(`${KEY[name]}-TRAINED-1`);
    expect(card.target).toMatchObject({ kind: "cpu", instance: t.kind === "cpu" ? t.instance : "", batchSize: t.kind === "cpu" ? t.batchSize : 0 });
    const files = Object.keys(card.files);
    expect(files).toEqual(
      expect.arrayContaining(["model.pt", "compilation.json", "config.json", "tokenizer.json", "test_files/encoded.json", "test_files/inputs.json", "test_files/predictions.json"]),
    );
    // No ONNX graph, no eager weights: what serves is model.pt.
    expect(files.filter((f) => /\.(onnx|bin)$|torchscript/.test(f))).toEqual([]);
    const v = card.metrics["validation"] as { rows: number; maxAbsDiff: number; labelAgreement: number };
    expect(v.rows).toBe(irs[name].train!.samples.length);
    // Same module, same float32 math as the ONNX export, apart from padding to max_length.
    expect(v.maxAbsDiff).toBeLessThan(1e-4);
    expect(v.labelAgreement).toBe(1);
    expect((await registry.listChildren(ref(name, "TRAINED", 1))).map((c) => c.version)).toContain(1);
    const c = await readJson<Record<string, unknown>>(ref(name, "COMPILED", 1), "compilation.json");
    expect(c).toMatchObject({
      target: "cpu",
      neuron: false,
      batch_size: t.kind === "cpu" ? t.batchSize : 0,
      max_length: t.kind === "cpu" ? t.maxLength : 0,
      task: irs[name].model.transformer!.task,
      source: "torchscript",
    });
  });

  test("the inputs follow the model: sentiment (XLM-R style) has no token_type_ids, NER has them; ids are padded to the traced length", async () => {
    const s = await readJson<Record<string, number[][]>>(ref("sentiment", "COMPILED", 1), "test_files/encoded.json");
    const n = await readJson<Record<string, number[][]>>(ref("ner", "COMPILED", 1), "test_files/encoded.json");
    expect(Object.keys(s).sort()).toEqual(["attention_mask", "input_ids"]);
    expect(Object.keys(n).sort()).toEqual(["attention_mask", "input_ids", "token_type_ids"]);
    expect(s["input_ids"]!.every((r) => r.length === 128)).toBe(true);
    expect(s["attention_mask"]![0]!.at(-1)).toBe(0);
  });

  test("onnxruntime serving passes over the torch versions: the newest servable is the newest with model.onnx", async () => {
    expect(await registry.latestServableModel("sentiment", "SENTIMENT")).toEqual(ref("sentiment", "TRAINED", 1));
  });

  test("a second run with the same inputs is skipped", async () => {
    const again = await runLifecycle(cfgs.sentiment, { root: ws.root, registry, only: "compile", targetKind: "cpu", ...quiet });
    expect(again[0]!.status).toBe("skipped");
    expect(await registry.listModelVersions("sentiment", "SENTIMENT", "COMPILED")).toEqual([1]);
  });
});

describe.skipIf(!present)("validate.py and run.sh on their own (what the Neuron compile image runs)", () => {
  let work: string;
  let compiled: string;
  let config: string;
  let golden: string;
  beforeAll(async () => {
    work = scratch("transformer-validate");
    compiled = path.join(work, "compiled");
    await registry.downloadModel(ref("sentiment", "COMPILED", 1), compiled);
    writeFiles(work, generateNeuron(irs.sentiment));
    config = path.join(work, "compile/neuron/neuron.json");
    golden = path.join(work, "golden.json");
    fs.writeFileSync(golden, await registry.readModelFile(ref("sentiment", "TRAINED", 1), "test_files/predictions.json"));
  });
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));
  const validate = (model: string, extra: string[] = []) =>
    run(PYTHON, [path.join(work, "compile/neuron/validate.py"), "--compiled", model, "--encoded", path.join(compiled, "test_files/encoded.json"), "--config", config, "--golden", golden, ...extra], {
      env: PYENV,
    });

  test("passes on the goldens with the spec's tolerances, printing the max |diff|", async () => {
    const ok = await validate(compiled);
    expect(ok.stderr).toBe("");
    expect(ok.stdout).toMatch(/^validate\.py: max \|diff\| \d\.\d{3}e-\d\d on 6 documents \(atol 0\.01, rtol 0\.01\)\n$/);
    expect(ok.code).toBe(0);
  });

  test("catches a perturbed model.pt: exit 1, the first value beyond atol + rtol", async () => {
    const bad = path.join(work, "perturbed");
    fs.cpSync(compiled, bad, { recursive: true });
    await perturb(path.join(compiled, "model.pt"), path.join(bad, "model.pt"));
    const r = await validate(bad);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/max \|diff\| \d\.\d{3}e-0[0-2] on 6 documents/);
    expect(r.stderr).toMatch(/^validate\.py: the traced model differs from the golden outputs beyond atol \+ rtol \(row \d, value \d: traced -?[\d.e-]+, golden -?[\d.e-]+\)\n$/);
  });

  test("refuses goldens with fewer rows than documents, and a folder that is not a trace (exit 2, one sentence)", async () => {
    const short = path.join(work, "short.json");
    fs.writeFileSync(short, JSON.stringify(JSON.parse(fs.readFileSync(golden, "utf8")).slice(0, 2)));
    const r = await validate(compiled, ["--golden", short]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^validate\.py: \S+short\.json holds 2 golden rows for 6 documents\n$/);
    const notTraced = await validate(work);
    expect(notTraced.code).toBe(2);
    expect(notTraced.stderr).toMatch(/^validate\.py: \S+ has no compilation\.json: it is not a folder written by compile\.py\n$/);
  });

  test("run.sh --offline traces and validates a downloaded trained version on mesh's ids (ENCODED); without them it says where they come from", async () => {
    const trainedDir = path.join(work, "trained");
    await registry.downloadModel(ref("sentiment", "TRAINED", 1), trainedDir);
    const out = path.join(work, "offline");
    const sh = path.join(work, "compile/neuron/run.sh");
    const r = await run("bash", [sh, "--offline", trainedDir, out, "cpu"], { env: { ...PYENV, ENCODED: path.join(compiled, "test_files/encoded.json") } });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/compile\.py: traced \S+ \(torchscript\) for cpu at \[8, 128\]/);
    expect(r.stdout).toMatch(/validate\.py: max \|diff\| \d\.\d{3}e-\d\d on 6 documents \(atol 0\.01, rtol 0\.01\)/);
    expect(fs.readdirSync(out)).toEqual(expect.arrayContaining(["model.pt", "compilation.json", "tokenizer.json", "config.json", "predictions.json"]));
    const missing = await run("bash", [sh, "--offline", trainedDir, path.join(work, "offline-2"), "cpu"], { env: PYENV });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^run\.sh: \S+test_files\/encoded\.json is missing: the golden documents must be token ids from mesh's tokenizer; set ENCODED/);
    expect(fs.existsSync(path.join(work, "offline-2"))).toBe(false);
  });
});

describe.skipIf(!present)("bad input: one clear sentence, nothing registered", () => {
  const before = () => registry.listModelVersions("sentiment", "SENTIMENT", "COMPILED");

  // force: the same trained files were compiled before; these runs must not be skipped as unchanged.
  test("a trained torchscript.pt that no longer matches its goldens fails the validation", async () => {
    const work = scratch("perturbed-trained");
    const good = path.join(work, "torchscript.pt");
    fs.writeFileSync(good, await registry.readModelFile(ref("sentiment", "TRAINED", 1), "torchscript.pt"));
    await perturb(good, path.join(work, "bad.pt"));
    const bad = await fakeTrained("sentiment", { "torchscript.pt": fs.readFileSync(path.join(work, "bad.pt")) });
    fs.rmSync(work, { recursive: true, force: true });
    const was = await before();
    await expect(compileTarget(cfgs.sentiment.compile!, cpuOf("sentiment"), ctx("sentiment"), bad, { force: true })).rejects.toThrow(
      /^cpu \(torch\.jit\.trace of the inf2 target, batch 8\) of SENTIMENT-TRAINED-\d+ failed validation: max \|Δ\| \S+ exceeds atol 0\.01 \+ rtol 0\.01 \(row \d, value \d: got \S+, golden \S+\); nothing was registered$/,
    );
    expect(await before()).toEqual(was);
    expect(await registry.listChildren(bad.ref)).toEqual([]);
  });

  test("no torchscript.pt (and no weights): says how to get one", async () => {
    const bad = await fakeTrained("sentiment", { "torchscript.pt": null, "pytorch_model.bin": null });
    const was = await before();
    await expect(compileTarget(cfgs.sentiment.compile!, cpuOf("sentiment"), ctx("sentiment"), bad, { force: true })).rejects.toThrow(
      /^compiling SENTIMENT-TRAINED-\d+ for cpu \(.*\) failed: the trained version has no torchscript\.pt \(nor pytorch_model\.bin\): export the model with torch\.jit\.trace/,
    );
    expect(await before()).toEqual(was);
  });

  test("weights without torchscript.pt and without transformers: compile.py says why it cannot load them", async () => {
    const bad = await fakeTrained("sentiment", { "torchscript.pt": null });
    await expect(compileTarget(cfgs.sentiment.compile!, cpuOf("sentiment"), ctx("sentiment"), bad, { force: true })).rejects.toThrow(
      /failed: compile\.py failed: \S+ has no torchscript\.pt, and transformers is not importable here to load its weights/,
    );
  });

  test("a max_length shorter than the tokenizer's, or longer than the model's positions", async () => {
    const was = await before();
    const t = cpuOf("sentiment");
    if (t.kind !== "cpu") throw new Error("unreachable");
    await expect(compileTarget(cfgs.sentiment.compile!, { ...t, maxLength: 64 }, ctx("sentiment"), await trained("sentiment"))).rejects.toThrow(
      /failed: max_length 64 of the inf2 target is shorter than model\.tokenizer\.max_length 128: the server would send sequences the traced model cannot take$/,
    );
    await expect(compileTarget(cfgs.sentiment.compile!, { ...t, maxLength: 4096 }, ctx("sentiment"), await trained("sentiment"))).rejects.toThrow(
      /failed: max_length 4096 of the inf2 target exceeds the \d+ positions of the model \(config\.json max_position_embeddings\)$/,
    );
    expect(await before()).toEqual(was);
  });

  test("the neuron target itself needs the Neuron SDK: says so, suggests cpu, uploads nothing", async () => {
    const t = cfgs.sentiment.compile!.targets.find((x) => x.kind === "neuron")!;
    const was = await before();
    await expect(compileTarget(cfgs.sentiment.compile!, t, ctx("sentiment"), await trained("sentiment"))).rejects.toThrow(
      /^SENTIMENT-TRAINED-1: compile target "neuron" is not available here: No module named 'torch_neuronx'; the neuron target needs the Neuron SDK .*use --target cpu/,
    );
    expect(await before()).toEqual(was);
  });

  test("compile.py refuses a neuron.json for another kind of model (exit 2, one sentence)", async () => {
    const work = scratch("bad-config");
    fs.writeFileSync(
      path.join(work, "neuron.json"),
      JSON.stringify({ task: "tabular-classification", instance: "inf2", batch_size: 1, max_length: 8, dynamic_batch: false, compiler_args: [], inputs: ["features"], output: "p" }),
    );
    const r = await run(PYTHON, [programPath("compile.py"), "--model-dir", work, "--out", path.join(work, "o"), "--target", "cpu", "--config", path.join(work, "neuron.json")], { env: PYENV });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^compile\.py: \S+neuron\.json names the task 'tabular-classification'; compile\.py traces feature-extraction, keyword-extraction, text-classification, token-classification\n$/,
    );
    fs.rmSync(work, { recursive: true, force: true });
  });
});
