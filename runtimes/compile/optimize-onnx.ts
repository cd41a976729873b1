import * as fs from "node:fs";
import * as path from "node:path";
import { openSession } from "../train/onnx-run.js";
import { quantizeDynamicInt8 } from "./quantize-int8.js";

/**
 * Writes `source` (a path, or bytes staged to `<workDir>/source.onnx`) optimised at `level`
 * to `<workDir>/<name>` and returns its bytes; with quantize int8 the graph is quantized first,
 * so onnxruntime fuses the quantized MatMuls (MatMulIntegerToFloat) while optimising.
 */
export async function optimizeOnnx(
  source: string,
  workDir: string,
  level: "disabled" | "basic" | "extended" | "all",
  quantize: "none" | "int8" = "none",
  name = "model.onnx",
): Promise<{ bytes: Buffer; details: Record<string, unknown> }> {
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
