#!/usr/bin/env node
// Builds the example projects' transformer models from npm data, deterministically.
//
//   node scripts/models/build.mjs [sentiment|ner|keywords|all ...] [--smoke] [--out DIR]
//
// Node part (this file, recipes/, data/, lib/): synthesises the data, trains the tokenizer,
// tokenises everything with the `tokenizers` library and writes config.json and the tokenizer
// files. Python part (train.py, modeling.py, export.py, run with $PYTHON, default
// /usr/bin/python3): trains the torch module and writes pytorch_model.bin, torchscript.pt
// and model.onnx. Then onnxruntime-node runs model.onnx against the torch outputs.
//
// Without --out the models go to projects/<name>/model and the sentiment graph is copied to
// test/fixtures/models/two-input/model.onnx; with --out DIR they go to DIR/<name> and
// DIR/two-input/model.onnx. --smoke trains a few steps on a few hundred rows (for the
// determinism test), not a usable model.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeJson } from "./lib/json.mjs";
import { onnxParity } from "./lib/parity.mjs";

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, "../..");
const MODELS = ["sentiment", "ner", "keywords"];
const PARITY_TOLERANCE = 1e-4;

function parseArgs(argv) {
  const opts = { names: [], smoke: false, out: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--smoke") opts.smoke = true;
    else if (a === "--out") opts.out = resolve(argv[++i] ?? "");
    else if (a === "all") opts.names.push(...MODELS);
    else if (MODELS.includes(a)) opts.names.push(a);
    else throw new Error(`unknown argument ${a}; usage: build.mjs [${MODELS.join("|")}|all ...] [--smoke] [--out DIR]`);
  }
  if (opts.names.length === 0) opts.names.push(...MODELS);
  opts.names = MODELS.filter((m) => opts.names.includes(m));
  return opts;
}

function folderSize(dir) {
  return readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0);
}

async function buildOne(name, { smoke, out }) {
  const started = Date.now();
  const modelDir = out ? join(out, name) : join(ROOT, "projects", name, "model");
  rmSync(modelDir, { recursive: true, force: true });
  mkdirSync(modelDir, { recursive: true });
  const work = mkdtempSync(join(tmpdir(), `mesh-model-${name}-`));
  try {
    const { prepare } = await import(`./recipes/${name}.mjs`);
    const prepared = await prepare({ smoke });
    prepared.tokenizer.write(modelDir);
    writeJson(join(modelDir, "config.json"), prepared.config);
    const prepSeconds = (Date.now() - started) / 1000;
    console.log(`[${name}] data and ${prepared.tokenizer.family} tokenizer (${prepared.config.vocab_size} tokens) in ${prepSeconds.toFixed(1)}s; ${prepared.data.train.length} training rows`);

    const job = {
      task: prepared.task,
      model_dir: modelDir,
      data: join(work, "data.json"),
      parity: join(work, "parity.json"),
      metrics: join(work, "metrics.json"),
      train: prepared.train,
    };
    writeFileSync(job.data, JSON.stringify(prepared.data));
    writeFileSync(join(work, "job.json"), JSON.stringify(job));
    const python = process.env.PYTHON || "/usr/bin/python3";
    const run = spawnSync(python, [join(HERE, "train.py"), join(work, "job.json")], {
      stdio: "inherit",
      env: { ...process.env, PYTHONHASHSEED: "0", OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" },
    });
    if (run.error) throw run.error;
    if (run.status !== 0) throw new Error(`[${name}] ${python} train.py exited with ${run.status ?? run.signal}`);

    const parity = await onnxParity(join(modelDir, "model.onnx"), job.parity);
    console.log(`[${name}] onnxruntime-node vs torch: max |delta| = ${parity.maxDelta.toExponential(2)}; inputs ${parity.inputNames.join(", ")}; outputs ${parity.outputNames.join(", ")}`);
    if (!(parity.maxDelta <= PARITY_TOLERANCE)) throw new Error(`[${name}] model.onnx differs from the torch module by ${parity.maxDelta}`);

    if (name === "sentiment") {
      // The tensor-App fixture: a classifier graph with exactly input_ids and attention_mask.
      if (parity.inputNames.join() !== "input_ids,attention_mask" || parity.outputNames.join() !== "logits") throw new Error("sentiment graph is not the two-input shape the fixture needs");
      const fixture = out ? join(out, "two-input") : join(ROOT, "test", "fixtures", "models", "two-input");
      mkdirSync(fixture, { recursive: true });
      copyFileSync(join(modelDir, "model.onnx"), join(fixture, "model.onnx"));
    }
    const { metrics, train_seconds: trainSeconds } = JSON.parse(readFileSync(job.metrics, "utf8"));
    const seconds = (Date.now() - started) / 1000;
    console.log(`[${name}] ${relative(ROOT, modelDir) || modelDir}: ${(folderSize(modelDir) / 1e6).toFixed(2)} MB, built in ${seconds.toFixed(0)}s (training ${trainSeconds}s)`);
    console.log(`[${name}] held-out: ${JSON.stringify(metrics)}`);
    return { name, seconds, metrics };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const opts = parseArgs(process.argv.slice(2));
for (const name of opts.names) await buildOne(name, opts);
