/**
 * The `neuron` and `cpu` compile targets for a Hugging Face model folder (a `trainer:
 * pretrained` version): writes neuron.json, runs compile.py on the downloaded folder
 * (torch_neuronx / torch.neuron trace for neuron, torch.jit.trace for the CPU twin), and
 * predicts the golden documents by tokenizing them here (mesh's tokenizer, the serving rules)
 * into encoded.json and running validate.py on the traced model — the same programs, in place,
 * that out/<name>/compile/neuron/ ships. runtimes/compile checks the rows against the goldens
 * (atol/rtol, label agreement) and registers the folder: model.pt, compilation.json, the
 * tokenizer/config files and test_files/encoded.json (so validate.py can be rerun without
 * Node), but no model.onnx, so onnxruntime serving passes over it.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { TargetUnavailableError } from "../../compile/target-unavailable.js";
import type { CompiledArtifact, TargetInput } from "../../compile/types.js";
import type { ArtifactFiles } from "../../registry/types.js";
import type { TransformerServing } from "../../transformers/config.js";
import { inspectModelFolder } from "../../transformers/inspect.js";
import { loadTokenizer } from "../../transformers/tokenizer.js";
import { lastLine, resolvePython, runPython } from "../python-env.js";
import { neuronJson, neuronTransformerConfig, type NeuronTransformerConfig } from "./config.js";
import { encodeDocuments } from "./encode.js";
import { COMPILATION } from "./folder.js";
import { programPath } from "./scripts.js";

/** Thrown for a refused input or a failed script; the message is one sentence. */
export class TransformerTraceError extends Error {
  override readonly name = "TransformerTraceError";
}

/** Tolerances written to neuron.json for validate.py run on its own (runtimes/compile applies the spec's). */
const STANDALONE_TOLERANCE = { atol: 1e-4, rtol: 1e-3 };

function keyOf(trainedDir: string): string {
  try {
    const card = JSON.parse(fs.readFileSync(path.join(trainedDir, "card.json"), "utf8")) as { id?: string };
    return (card.id ?? "MODEL").replace(/-TRAINED-\d+$/, "");
  } catch {
    return "MODEL";
  }
}

/** Checks what can be known before Python runs; the config of this target. */
function configFor(input: TargetInput, serving: TransformerServing): NeuronTransformerConfig {
  const t = input.target;
  if (t.kind === "onnx") throw new Error("compileTransformerTorch needs a neuron or cpu target");
  const inspected = inspectModelFolder(input.trainedDir);
  if (!inspected.ok) throw new TransformerTraceError(`the trained version is not a model folder mesh can trace: ${inspected.problems.join("; ")}`);
  const facts = inspected.facts;
  if (t.maxLength < serving.maxLength) {
    throw new TransformerTraceError(
      `max_length ${t.maxLength} of the ${t.instance} target is shorter than model.tokenizer.max_length ${serving.maxLength}: the server would send sequences the traced model cannot take`,
    );
  }
  if (t.maxLength > facts.maxPositions) {
    throw new TransformerTraceError(`max_length ${t.maxLength} of the ${t.instance} target exceeds the ${facts.maxPositions} positions of the model (config.json max_position_embeddings)`);
  }
  // Without transformers (always the case for the CPU twin here) compile.py traces torchscript.pt.
  if (t.kind === "cpu" && !fs.existsSync(path.join(input.trainedDir, "torchscript.pt")) && !fs.existsSync(path.join(input.trainedDir, "pytorch_model.bin"))) {
    throw new TransformerTraceError("the trained version has no torchscript.pt (nor pytorch_model.bin): export the model with torch.jit.trace into the folder (scripts/models does) to trace it here");
  }
  return neuronTransformerConfig(
    keyOf(input.trainedDir),
    serving,
    t,
    facts.inputs.map((i) => i.name),
    STANDALONE_TOLERANCE,
  );
}

function scriptError(script: string, r: { code: number; stderr: string }): string {
  return lastLine(r.stderr).replace(new RegExp(`^${script.replace(".", "\\.")}: `), "") || `exit code ${r.code}`;
}

export async function compileTransformerTorch(input: TargetInput, serving: TransformerServing): Promise<CompiledArtifact> {
  const target = input.target.kind;
  if (target !== "cpu" && target !== "neuron") throw new Error(`compileTransformerTorch cannot compile ${target} targets`);
  const cfg = configFor(input, serving);
  const python = resolvePython();
  // neuron.json and the encoded documents live beside the output, in the caller's scratch space.
  const work = fs.mkdtempSync(path.join(path.dirname(input.workDir), "neuron-transformer-"));
  const config = path.join(work, "neuron.json");
  fs.writeFileSync(config, neuronJson(cfg));
  const traced = path.join(input.workDir, "traced");
  const args = [programPath("compile.py"), "--model-dir", input.trainedDir, "--out", traced, "--target", target, "--config", config];
  const r = await runPython(python, args, work);
  if (r.code === 3) throw new TargetUnavailableError(`compile target "${target}" is not available here: ${scriptError("compile.py", r)}`);
  if (r.code !== 0) throw new TransformerTraceError(`compile.py failed: ${scriptError("compile.py", r)}`);
  input.log(`  ${lastLine(r.stdout)} (${python})`);
  const compilation = JSON.parse(fs.readFileSync(path.join(traced, COMPILATION), "utf8")) as Record<string, unknown>;
  const tokenizer = loadTokenizer(traced);
  const withTypes = cfg.inputs.includes("token_type_ids");
  const encodedFile = path.join(work, "encoded.json");
  let calls = 0;
  const files: ArtifactFiles = Object.fromEntries(fs.readdirSync(traced).map((f) => [f, { localPath: path.join(traced, f) }]));
  return {
    files: { ...files, "test_files/encoded.json": { localPath: encodedFile } },
    details: {
      python,
      torch: compilation["torch"],
      source: compilation["source"],
      tracing: { batchSize: cfg.target.batchSize, maxLength: cfg.target.maxLength, dynamicBatch: cfg.target.dynamicBatch, neuron: compilation["neuron"], kwargs: compilation["tracing_kwargs"] },
    },
    async predict(rows) {
      const texts = rows.map((row) => String(row[serving.input] ?? ""));
      const encoded = await encodeDocuments(tokenizer, serving, texts, cfg.target.maxLength, withTypes);
      // The first call's documents are the validated ones: they are what the version records.
      const file = ++calls === 1 ? encodedFile : path.join(work, `encoded-${calls}.json`);
      fs.writeFileSync(file, JSON.stringify(encoded));
      const out = path.join(work, `traced-${calls}.json`);
      const v = await runPython(python, [programPath("validate.py"), "--compiled", traced, "--encoded", file, "--config", config, "--out", out], work);
      if (v.code !== 0) throw new TransformerTraceError(`validate.py failed: ${scriptError("validate.py", v)}`);
      return JSON.parse(fs.readFileSync(out, "utf8")) as number[][];
    },
    close: async () => fs.rmSync(work, { recursive: true, force: true }),
  };
}
