// Shared by the transformer benches: the BERT-base-shaped encoder that
// shared/reference/transformer-ceiling/base.py exports (torch 1.13, random weights, ~124 MB,
// never committed) and mesh's own TypeScript int8 quantizer, compiled on the fly.
//
// The same code as bench/transformers/int8.mjs's baseModel()/loadQuantizer() and the same
// cache (.mesh/bench/transformers/base.onnx + base.py.sha256), so both benches export the model
// once; int8.mjs can import these two functions instead of keeping its copy.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const WORK = path.join(ROOT, ".mesh/bench/transformers");
const PYTHON = process.env.PYTHON ?? "/usr/bin/python3";
const BASE_PY = process.env.BASE_PY ?? path.resolve(ROOT, "../shared/reference/transformer-ceiling/base.py");

/** base.onnx ([b, s] ids/mask/types → logits [b, s, 9]), exported again only when base.py changed. */
export function baseModel({ log = console.log } = {}) {
  if (!fs.existsSync(BASE_PY)) throw new Error(`bench: ${BASE_PY} not found; set BASE_PY to shared/reference/transformer-ceiling/base.py`);
  const source = fs.readFileSync(BASE_PY);
  const hash = createHash("sha256").update(source).digest("hex");
  const model = path.join(WORK, "base.onnx");
  const stamp = path.join(WORK, "base.py.sha256");
  if (fs.existsSync(model) && fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === hash) return model;
  fs.mkdirSync(WORK, { recursive: true });
  log(`exporting ${path.relative(ROOT, model)} with ${PYTHON} ${BASE_PY} …`);
  fs.writeFileSync(path.join(WORK, "base.py"), source);
  execFileSync(PYTHON, ["base.py"], { cwd: WORK, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, PYTHONNOUSERSITE: "1", PYTHONDONTWRITEBYTECODE: "1" } });
  fs.writeFileSync(stamp, hash);
  return model;
}

/** `{ quantizeDynamicInt8 }` from runtimes/compile/quantize-int8.ts, compiled with the repo's tsc (no dist/ needed). */
export async function loadQuantizer(cache = path.join(ROOT, "node_modules/.cache/mesh-bench-int8")) {
  fs.mkdirSync(cache, { recursive: true });
  const tsconfig = path.join(cache, "tsconfig.json");
  const entry = path.join(ROOT, "runtimes/compile/quantize-int8.ts");
  fs.writeFileSync(tsconfig, JSON.stringify({ extends: path.join(ROOT, "tsconfig.json"), compilerOptions: { noEmit: false, outDir: cache, rootDir: ROOT }, files: [entry], include: [] }));
  execFileSync(path.join(ROOT, "node_modules/.bin/tsc"), ["-p", tsconfig], { stdio: "inherit" });
  return import(pathToFileURL(path.join(cache, "runtimes/compile/quantize-int8.js")).href);
}
