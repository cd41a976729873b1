/**
 * The builder's torch module as a second implementation of each model:
 * `$PYTHON scripts/models/reference.py MODEL_DIR < ids.json` (PYTHON default /usr/bin/python3,
 * Debian's, which has torch) rebuilds the eager module from config.json and
 * pytorch_model.bin (strict load) and prints its output — logits for the classifiers,
 * last_hidden_state for BertModel — for one batch of ids: {"input_ids", "attention_mask",
 * "token_type_ids"} in, {"output"} out.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPO } from "./parity-models.js";

export const REFERENCE_SCRIPT = join(REPO, "scripts", "models", "reference.py");
export const PYTHON = process.env["PYTHON"] || "/usr/bin/python3";

/** [rows][labels] (classifiers) or [rows][tokens][width] (token classifier, encoder), rows padded to the longest. */
export type TorchOutput = number[][] | number[][][];

/**
 * The torch module's output for `rows` as ONE batch: right-padded with config.json's
 * pad_token_id to the longest row, attention mask 1 on the real tokens, token types 0.
 */
export function torchBatch(dir: string, rows: readonly (readonly number[])[]): Promise<TorchOutput> {
  const pad = (JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as { pad_token_id: number }).pad_token_id;
  const longest = Math.max(...rows.map((r) => r.length));
  const request = {
    input_ids: rows.map((r) => [...r, ...new Array<number>(longest - r.length).fill(pad)]),
    attention_mask: rows.map((r) => [...r.map(() => 1), ...new Array<number>(longest - r.length).fill(0)]),
    token_type_ids: rows.map(() => new Array<number>(longest).fill(0)),
  };
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
        resolve((JSON.parse(out) as { output: TorchOutput }).output);
      } catch (e) {
        reject(new Error(`${REFERENCE_SCRIPT} printed no JSON: ${(e as Error).message}; stderr ${err.slice(-2000)}`));
      }
    });
    child.stdin.end(JSON.stringify(request));
  });
}
