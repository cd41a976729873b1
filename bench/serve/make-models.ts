/**
 * Writes the bench models: `linear.onnx` (spam-like, features[N,4096] → probabilities[N,2])
 * and `mlp.onnx` (x[N,256] → 512 → 512 → probabilities[N,8]), plus their weights as JSON for
 * the Python peer. Usage: node make-models.js OUT_DIR
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildDenseModel, denseWeights, type DenseModelOptions } from "../../test/support/onnx-models.js";

export const LINEAR: DenseModelOptions = { sizes: [4096, 2], inputName: "features", outputName: "probabilities", seed: 20240601 };
export const MLP: DenseModelOptions = { sizes: [256, 512, 512, 8], inputName: "x", outputName: "probabilities", seed: 20240601, scale: 0.1 };

export function writeModels(dir: string): { linear: string; mlp: string } {
  mkdirSync(dir, { recursive: true });
  const out = { linear: join(dir, "linear.onnx"), mlp: join(dir, "mlp.onnx") };
  writeFileSync(out.linear, buildDenseModel(LINEAR));
  writeFileSync(out.mlp, buildDenseModel(MLP));
  for (const [name, opts] of [
    ["linear", LINEAR],
    ["mlp", MLP],
  ] as const) {
    const w = denseWeights(opts);
    writeFileSync(join(dir, `${name}.weights.json`), JSON.stringify(w.layers.map((l) => ({ in: l.in, out: l.out, w: Array.from(l.w), b: Array.from(l.b) }))));
  }
  return out;
}

if (process.argv[1]?.endsWith("make-models.js") && process.argv[2]) console.log(JSON.stringify(writeModels(process.argv[2])));
