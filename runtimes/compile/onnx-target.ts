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

export async function compileOnnx(input: TargetInput): Promise<CompiledArtifact> {
  if (input.target.kind !== "onnx") throw new Error("compileOnnx needs an onnx target");
  const source = path.join(input.trainedDir, "model.onnx");
  const optimized = path.join(input.workDir, "model.onnx");
  const level = input.target.optimization;
  // Severity 3 (errors only): ORT warns that level "all" may emit CPU-specific fused ops; the
  // compiled model is validated and served by the same runtime, so that is expected.
  const writer = await openSession(source, { graphOptimizationLevel: level, optimizedModelFilePath: optimized, logSeverityLevel: 3 });
  await writer.release();
  if (!fs.existsSync(optimized)) throw new Error(`onnxruntime did not write the optimised model (level ${level})`);
  const bytes = fs.readFileSync(optimized);
  // Load the optimised graph as is: serving does the same, so parity is checked on what ships.
  const session = await openSession(bytes, { graphOptimizationLevel: "disabled" });
  const featurizer = createFeaturizer(input.features);
  const width = featurizer.width;
  return {
    files: { "model.onnx": bytes },
    details: { optimization: level, sourceBytes: fs.statSync(source).size, bytes: bytes.length },
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
