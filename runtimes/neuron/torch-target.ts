/**
 * The `neuron` and `cpu` compile targets: writes compile.py, validate.py and featurizers.py
 * (the same text generators/neuron emits), runs compile.py on the downloaded trained
 * model.onnx, and predicts the golden rows through validate.py. The caller (runtimes/compile)
 * checks parity against the parent's golden predictions and uploads; a failed trace or a
 * missing torch fails here, before anything is uploaded. A Hugging Face model folder
 * (`trainer: pretrained`) goes to its own programs, runtimes/neuron/transformer.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { TargetUnavailableError } from "../compile/target-unavailable.js";
import type { CompiledArtifact, TargetInput } from "../compile/types.js";
import type { AttributeRow } from "../train/golden.js";
import { lastLine, resolvePython, runPython } from "./python-env.js";
import { writeCompileScripts } from "./script-files.js";
import { compileTransformerTorch } from "./transformer/target.js";
import { layerWidths, type NeuronScriptConfig } from "./script-config.js";

/** Thrown for a failed script run; the message is the script's own sentence. */
export class NeuronScriptError extends Error {
  override readonly name = "NeuronScriptError";
}

interface TrainedParams {
  readonly trainer?: string;
  readonly hidden?: readonly number[];
  readonly labels?: readonly string[];
}

function configFor(input: TargetInput): NeuronScriptConfig {
  const t = input.target;
  if (t.kind === "onnx") throw new Error("compileTorch needs a neuron or cpu target");
  const features = input.features;
  if (!features) throw new NeuronScriptError("the trained version carries neither featurizer settings nor transformer settings on its card");
  const card = JSON.parse(fs.readFileSync(path.join(input.trainedDir, "card.json"), "utf8")) as { id?: string; params?: TrainedParams };
  const p = card.params ?? {};
  const labels = p.labels ?? [];
  if (labels.length < 2) throw new NeuronScriptError(`${card.id ?? "the trained version"} names no labels on its card`);
  return {
    key: (card.id ?? "MODEL").replace(/-TRAINED-\d+$/, ""),
    labels,
    features,
    layers: layerWidths(features, p.trainer ?? "logistic-regression", p.hidden ?? [], labels.length),
    standardize: features.kind === "standardize",
    instance: t.instance,
    batchSize: t.batchSize,
    dynamicBatch: t.dynamicBatch,
    compilerArgs: t.compilerArgs,
  };
}

export async function compileTorch(input: TargetInput): Promise<CompiledArtifact> {
  const target = input.target.kind;
  if (target !== "cpu" && target !== "neuron") throw new Error(`compileTorch cannot compile ${target} targets`);
  if (input.transformer) return compileTransformerTorch(input, input.transformer);
  const cfg = configFor(input);
  const python = resolvePython();
  // Scripts live beside the output folder, inside the caller's scratch space (removed by it).
  const scripts = fs.mkdtempSync(path.join(path.dirname(input.workDir), "neuron-scripts-"));
  writeCompileScripts(scripts, cfg);
  const compiled = path.join(input.workDir, "neuron");
  const traced = await runPython(python, ["compile.py", "--model", path.join(input.trainedDir, "model.onnx"), "--out", compiled, "--target", target], scripts);
  const why = lastLine(traced.stderr).replace(/^compile\.py: /, "");
  // Exit 3: torch (or the Neuron SDK) is missing: the target cannot be compiled on this machine.
  if (traced.code === 3) throw new TargetUnavailableError(`compile target "${target}" is not available here: ${why}`);
  if (traced.code !== 0) throw new NeuronScriptError(`compile.py failed: ${why || `exit code ${traced.code}`}`);
  input.log(`  ${lastLine(traced.stdout)} (${python})`);
  fs.copyFileSync(path.join(scripts, "features.json"), path.join(compiled, "features.json"));
  const specs = JSON.parse(fs.readFileSync(path.join(compiled, "compilation_specs.json"), "utf8")) as Record<string, unknown>;
  let calls = 0;
  return {
    files: Object.fromEntries(["model.pt", "compilation_specs.json", "features.json"].map((f) => [`neuron/${f}`, { localPath: path.join(compiled, f) }])),
    details: { python, torch: specs.torch, tracing: { batchSize: specs.tracing__batch_size, width: specs.tracing__max_length, neuron: specs.tracing__neuron, kwargs: specs.tracing_kwargs } },
    async predict(rows: readonly AttributeRow[]) {
      const n = ++calls;
      const inputs = path.join(scripts, `rows-${n}.json`);
      const out = path.join(scripts, `predictions-${n}.json`);
      fs.writeFileSync(inputs, JSON.stringify(rows));
      const args = ["validate.py", "--compiled", compiled, "--features", "features.json", "--inputs", inputs, "--samples", String(rows.length), "--out", out];
      const r = await runPython(python, args, scripts);
      if (r.code !== 0) throw new NeuronScriptError(`validate.py failed: ${lastLine(r.stderr).replace(/^validate\.py: /, "") || `exit code ${r.code}`}`);
      return JSON.parse(fs.readFileSync(out, "utf8")) as number[][];
    },
    close: async () => fs.rmSync(scripts, { recursive: true, force: true }),
  };
}
