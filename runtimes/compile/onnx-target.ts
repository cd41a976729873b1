/**
 * The ONNX target: ONNX Runtime offline graph optimisation. A session created with
 * `optimizedModelFilePath` writes the graph after the chosen optimisation level
 * (constant folding, node fusions), so servers load the optimised graph directly. The
 * compiled artifact runs that optimised file for parity validation.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { createFeaturizer } from "../features/index.js";
import { openSession, runRows } from "../train/onnx-run.js";
import type { CompiledArtifact, TargetInput } from "./types.js";
import { quantizeDynamicInt8 } from "./quantize-int8.js";
import { compileTransformerOnnx } from "./transformer-target.js";

/**
 * Writes `source` (a path, or bytes staged to `<workDir>/source.onnx`) optimised at `level`
 * to `<workDir>/<name>` and returns its bytes; with quantize int8 the graph is quantized first,
 * so onnxruntime fuses the quantized MatMuls (MatMulIntegerToFloat) while optimising.
 */
export async function optimizeOnnx(source: string, workDir: string, level: "disabled" | "basic" | "extended" | "all", quantize: "none" | "int8" = "none", name = "model.onnx"): Promise<{ bytes: Buffer; details: Record<string, unknown> }> {
  let from = source;
  const details: Record<string, unknown> = { optimization: level, sourceBytes: fs.statSync(source).size };
  if (quantize === "int8") {
    const q = quantizeDynamicInt8(fs.readFileSync(source));
    from = path.join(workDir, "quantized.onnx");
    fs.writeFileSync(from, q.bytes);
    details["quantize"] = { kind: "int8", ...q.details };
  }
  const optimized = path.join(workDir, name);
  fs.mkdirSync(path.dirname(optimized), { recursive: true });
  // Severity 3 (errors only): ORT warns that level "all" may emit CPU-specific fused ops; the
  // compiled model is validated and served by the same runtime, so that is expected.
  const writer = await openSession(from, { graphOptimizationLevel: level, optimizedModelFilePath: optimized, logSeverityLevel: 3 });
  await writer.release();
  if (!fs.existsSync(optimized)) throw new Error(`onnxruntime did not write the optimised model (level ${level})`);
  if (from !== source) fs.rmSync(from);
  const bytes = fs.readFileSync(optimized);
  return { bytes, details: { ...details, bytes: bytes.length } };
}

export async function compileOnnx(input: TargetInput): Promise<CompiledArtifact> {
  if (input.target.kind !== "onnx") throw new Error("compileOnnx needs an onnx target");
  if (input.transformer) return compileTransformerOnnx(input, input.transformer);
  if (!input.features) throw new Error("compileOnnx needs the model's featurizer settings");
  const source = path.join(input.trainedDir, "model.onnx");
  const level = input.target.optimization;
  const { bytes, details } = await optimizeOnnx(source, input.workDir, level, input.target.quantize ?? "none");
  // Load the optimised graph as is: serving does the same, so parity is checked on what ships.
  const session = await openSession(bytes, { graphOptimizationLevel: "disabled" });
  const featurizer = createFeaturizer(input.features);
  const width = featurizer.width;
  return {
    files: { "model.onnx": bytes },
    details,
    async predict(rows) {
      const dense = rows.map((r) => {
        const out = new Float32Array(width);
        featurizer.encode(r, out, 0);
        return out;
      });
      return (await runRows(session, dense, width)).map((p) => Array.from(p));
    },
    close: () => session.release(),
  };
}
