/**
 * The ONNX target: ONNX Runtime offline graph optimisation. A session created with
 * `optimizedModelFilePath` writes the graph after the chosen optimisation level
 * (constant folding, node fusions), so servers load the optimised graph directly. The
 * compiled artifact runs that optimised file for parity validation.
 */
import * as path from "node:path";
import { createFeaturizer } from "../features/index.js";
import { openSession, runRows } from "../train/onnx-run.js";
import type { CompiledArtifact, TargetInput } from "./types.js";
import { optimizeOnnx } from "./optimize-onnx.js";
import { compileTransformerOnnx } from "./transformer-target.js";

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
