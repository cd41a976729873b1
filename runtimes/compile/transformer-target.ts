/**
 * The ONNX target for a Hugging Face model folder: the graph optimised (and, for
 * `quantize: int8`, quantized) by the same code as every ONNX target, written back at the
 * folder's own model path, with the tokenizer and config files carried over unchanged, so
 * the compiled version is again a complete folder. Validation runs the compiled graph
 * through the very pipeline the server uses.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { TransformerServing } from "../transformers/config.js";
import { inspectModelFolder } from "../transformers/inspect.js";
import { openTransformer } from "../transformers/open.js";
import { rawOutputs } from "../transformers/pipeline.js";
import { VALIDATION_SESSION } from "../train/pretrained.js";
import type { ArtifactFiles } from "../registry/types.js";
import { optimizeOnnx } from "./optimize-onnx.js";
import type { CompiledArtifact, TargetInput } from "./types.js";

/** Files of a registered version that belong to the registry, not to the model folder. */
const REGISTRY_FILES = new Set(["card.json"]);

function folderFiles(dir: string, prefix = ""): string[] {
  return fs.readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap((e) => {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) return rel === "test_files" ? [] : folderFiles(dir, rel);
    return e.isFile() && !REGISTRY_FILES.has(rel) ? [rel] : [];
  });
}

export async function compileTransformerOnnx(input: TargetInput, serving: TransformerServing): Promise<CompiledArtifact> {
  if (input.target.kind !== "onnx") throw new Error("compileTransformerOnnx needs an onnx target");
  const inspected = inspectModelFolder(input.trainedDir);
  if (!inspected.ok) throw new Error(`the trained version is not a servable model folder: ${inspected.problems.join("; ")}`);
  const modelFile = inspected.facts.modelFile;
  const { bytes, details } = await optimizeOnnx(path.join(input.trainedDir, modelFile), input.workDir, input.target.optimization, input.target.quantize ?? "none", modelFile);
  const files: Record<string, ArtifactFiles[string]> = {};
  for (const rel of folderFiles(input.trainedDir)) files[rel] = { localPath: path.join(input.trainedDir, rel) };
  files[modelFile] = bytes;
  const opened = await openTransformer(input.trainedDir, serving, { ...VALIDATION_SESSION, onnxPath: path.join(input.workDir, modelFile) });
  return {
    files,
    details,
    predict: (rows) =>
      rawOutputs(
        opened.pipeline,
        rows.map((r) => String(r[serving.input] ?? "")),
      ),
    close: () => opened.release(),
  };
}
