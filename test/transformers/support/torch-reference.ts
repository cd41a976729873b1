/**
 * The builder's torch module as a second implementation of each model: scripts/models/
 * reference.py, run with $PYTHON (default /usr/bin/python3, Debian's, which has torch), reads
 * token ids and prints the eager module's output for them.
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { REPO } from "./parity-models.js";

export const REFERENCE_SCRIPT = process.env["MESH_PARITY_REFERENCE"] ?? join(REPO, "scripts", "models", "reference.py");
export const PYTHON = process.env["PYTHON"] || "/usr/bin/python3";

/** One model output per batch: [rows][labels] or [rows][tokens][width], rows padded to the batch's longest. */
export type TorchBatchOutput = number[][] | number[][][];

/** Runs the torch module of the model folder `dir` on each batch of id rows (right-padded by the reference). */
export function torchOutputs(dir: string, batches: readonly (readonly (readonly number[])[])[]): Promise<TorchBatchOutput[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [REFERENCE_SCRIPT, dir], { stdio: ["pipe", "pipe", "pipe"], env: { ...process.env, OMP_NUM_THREADS: "1", MKL_NUM_THREADS: "1" } });
    let out = "";
    let err = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code !== 0) return reject(new Error(`${PYTHON} ${REFERENCE_SCRIPT} ${dir} exited with ${code}: ${err.slice(-2000)}`));
      try {
        resolve((JSON.parse(out) as { outputs: TorchBatchOutput[] }).outputs);
      } catch (e) {
        reject(new Error(`${REFERENCE_SCRIPT} printed no JSON: ${(e as Error).message}; stderr ${err.slice(-2000)}`));
      }
    });
    child.stdin.end(JSON.stringify({ batches }));
  });
}
