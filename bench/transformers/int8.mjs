#!/usr/bin/env node
// int8 compile target on a BERT-base-shaped encoder: onnxruntime-node `session.run` rows/s of the
// FP32 model against the same model rewritten by OUR TypeScript quantizer
// (runtimes/compile/quantize-int8.ts), 1 intra-op thread, at two ORT graph optimisation levels
// ("basic": no fusions; "all": MatMulInteger chains fuse into DynamicQuantizeMatMul /
// MatMulIntegerToFloat). Side by side in one run: every round times every shape × variant with
// the variant order rotated, medians over rounds. Also reports max |Δ logit| int8 vs FP32 and the
// fused ops ORT made. Results: bench/results/transformers-int8-<time>.json. A side-by-side
// measurement, never a gate.
//
//   node bench/transformers/int8.mjs          # ROUNDS=3 DUR=3 SHAPES=1x20,8x20,1x128,1x400 LEVELS=basic,all
//
// The model (shared/reference/transformer-ceiling/base.py, torch 1.13, random weights, ~124 MB) is
// exported once into .mesh/bench/transformers/ (gitignored) and re-exported when base.py changes.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import * as ort from "onnxruntime-node";
import onnxProto from "onnx-proto";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const env = process.env;
const ROUNDS = Math.max(3, Number(env.ROUNDS ?? 3));
const DUR = Number(env.DUR ?? 3);
const MIN_CALLS = 2;
const SHAPES = (env.SHAPES ?? "1x20,8x20,1x128,1x400").split(",").map((s) => s.split("x").map(Number));
const LEVELS = (env.LEVELS ?? "basic,all").split(",");
const PYTHON = env.PYTHON ?? "/usr/bin/python3";
const BASE_PY = env.BASE_PY ?? path.resolve(ROOT, "../shared/reference/transformer-ceiling/base.py");
const WORK = path.join(ROOT, ".mesh/bench/transformers");
const CACHE = path.join(ROOT, "node_modules/.cache/mesh-bench-int8");
const VOCAB = 30522;

const loads = [];
const load = (when) => {
  const [one, five] = os.loadavg();
  loads.push({ when, one, five });
  console.log(`load average (${when}): ${one.toFixed(2)} (1 min), ${five.toFixed(2)} (5 min)`);
};

/** Compiles only the quantizer's entry with the repo's tsc (like bench/serve/build.mjs): no need for dist/. */
async function loadQuantizer() {
  fs.mkdirSync(CACHE, { recursive: true });
  const tsconfig = path.join(CACHE, "tsconfig.json");
  const entry = path.join(ROOT, "runtimes/compile/quantize-int8.ts");
  fs.writeFileSync(tsconfig, JSON.stringify({ extends: path.join(ROOT, "tsconfig.json"), compilerOptions: { noEmit: false, outDir: CACHE, rootDir: ROOT }, files: [entry], include: [] }));
  execFileSync(path.join(ROOT, "node_modules/.bin/tsc"), ["-p", tsconfig], { stdio: "inherit" });
  return import(pathToFileURL(path.join(CACHE, "runtimes/compile/quantize-int8.js")).href);
}

/** base.onnx, exported again only when base.py changed (its hash is kept beside the model). */
function baseModel() {
  if (!fs.existsSync(BASE_PY)) throw new Error(`bench: ${BASE_PY} not found; set BASE_PY to shared/reference/transformer-ceiling/base.py`);
  const source = fs.readFileSync(BASE_PY);
  const hash = createHash("sha256").update(source).digest("hex");
  const model = path.join(WORK, "base.onnx");
  const stamp = path.join(WORK, "base.py.sha256");
  if (fs.existsSync(model) && fs.existsSync(stamp) && fs.readFileSync(stamp, "utf8") === hash) return model;
  fs.mkdirSync(WORK, { recursive: true });
  console.log(`exporting ${path.relative(ROOT, model)} with ${PYTHON} ${BASE_PY} …`);
  fs.writeFileSync(path.join(WORK, "base.py"), source);
  execFileSync(PYTHON, ["base.py"], { cwd: WORK, stdio: ["ignore", "ignore", "inherit"], env: { ...env, PYTHONNOUSERSITE: "1", PYTHONDONTWRITEBYTECODE: "1" } });
  fs.writeFileSync(stamp, hash);
  return model;
}

function feedsFor(batch, tokens) {
  const t = (f) =>
    new ort.Tensor(
      "int64",
      BigInt64Array.from({ length: batch * tokens }, (_, i) => BigInt(f(i))),
      [batch, tokens],
    );
  return { input_ids: t((i) => ((i * 7919) % (VOCAB - 1)) + 1), attention_mask: t(() => 1), token_type_ids: t(() => 0) };
}

const sessionOptions = (level) => ({ intraOpNumThreads: 1, interOpNumThreads: 1, graphOptimizationLevel: level, logSeverityLevel: 3 });

/** The quantized ops ORT runs after optimising at `level`: written once to a file and counted. */
async function fusedOps(file, level) {
  const out = path.join(WORK, `int8.${level}.optimized.onnx`);
  const s = await ort.InferenceSession.create(file, { ...sessionOptions(level), optimizedModelFilePath: out });
  await s.release();
  const model = onnxProto.onnx.ModelProto.decode(fs.readFileSync(out));
  fs.rmSync(out, { force: true });
  const counts = {};
  for (const n of model.graph.node) {
    const key = `${n.domain ? `${n.domain}.` : ""}${n.opType}`;
    if (/Integer|Quantize|MatMul/.test(n.opType)) counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

/** rows/s and CPU ms per call for one variant at one shape: 1 warm-up call, then ≥ DUR s and ≥ MIN_CALLS calls. */
async function measure(session, feeds, batch) {
  await session.run(feeds);
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  let calls = 0;
  let sec = 0;
  while (sec < DUR || calls < MIN_CALLS) {
    await session.run(feeds);
    calls++;
    sec = Number(process.hrtime.bigint() - t0) / 1e9;
  }
  const cpu = process.cpuUsage(cpu0);
  return { rowsPerSec: (calls * batch) / sec, msPerCall: (1000 * sec) / calls, cpuMsPerCall: (cpu.user + cpu.system) / 1000 / calls, calls };
}

function maxAbsDelta(a, b) {
  let d = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    d = Math.max(d, Math.abs(a[i] - b[i]));
    m = Math.max(m, Math.abs(a[i]));
  }
  return { maxAbsDelta: d, maxAbsLogit: m };
}

const median = (xs) => {
  const s = [...xs].sort((x, y) => x - y);
  const k = s.length >> 1;
  return s.length % 2 ? s[k] : (s[k - 1] + s[k]) / 2;
};

// ------------------------------------------------------------------------------------------------

console.log(
  `node ${process.version}, onnxruntime-node ${JSON.parse(fs.readFileSync(path.join(ROOT, "node_modules/onnxruntime-node/package.json"), "utf8")).version}, ${os.cpus()[0]?.model ?? "cpu"} × ${os.cpus().length}`,
);
load("start");
const { quantizeDynamicInt8 } = await loadQuantizer();
const fp32File = baseModel();
const fp32Bytes = fs.readFileSync(fp32File);
const q0 = performance.now();
const quantized = quantizeDynamicInt8(fp32Bytes);
const quantizeMs = performance.now() - q0;
const int8File = path.join(WORK, "int8.onnx");
fs.writeFileSync(int8File, quantized.bytes);
const { skipped, ...details } = quantized.details;
console.log(
  `quantized in ${(quantizeMs / 1000).toFixed(2)} s: ${details.quantizedMatMuls} MatMul/Gemm rewritten (${details.quantizedWeights} distinct weights), ${details.skippedMatMuls} left FP32 ` +
    `(${[...new Set(skipped.map((s) => s.reason.replace(/"[^"]*"/g, "…")))].join("; ")}); ${(details.bytesBefore / 1e6).toFixed(1)} MB → ${(details.bytesAfter / 1e6).toFixed(1)} MB`,
);

const fused = {};
for (const level of LEVELS) fused[level] = await fusedOps(int8File, level);
for (const level of LEVELS) console.log(`int8 graph after ORT level "${level}": ${JSON.stringify(fused[level])}`);

const variants = LEVELS.flatMap((level) => ["fp32", "int8"].map((kind) => ({ id: `${kind}-${level}`, kind, level })));
const sessions = {};
for (const v of variants) sessions[v.id] = await ort.InferenceSession.create(v.kind === "fp32" ? fp32File : int8File, sessionOptions(v.level));

const shapes = SHAPES.map(([batch, tokens]) => ({ id: `${batch}x${tokens}`, batch, tokens, feeds: feedsFor(batch, tokens) }));
const parity = {};
for (const s of shapes) {
  for (const level of LEVELS) {
    const want = (await sessions[`fp32-${level}`].run(s.feeds)).logits.data;
    const got = (await sessions[`int8-${level}`].run(s.feeds)).logits.data;
    parity[`${s.id}-${level}`] = maxAbsDelta(want, got);
  }
}

const samples = {};
for (let round = 0; round < ROUNDS; round++) {
  for (const s of shapes) {
    const order = variants.map((_, i) => variants[(i + round) % variants.length]);
    for (const v of order) {
      const r = await measure(sessions[v.id], s.feeds, s.batch);
      (samples[`${s.id}/${v.id}`] ??= []).push(r);
      console.log(`round ${round + 1} ${s.id.padEnd(6)} ${v.id.padEnd(11)} ${r.rowsPerSec.toFixed(1).padStart(7)} rows/s  ${r.msPerCall.toFixed(1).padStart(7)} ms/call  (${r.calls} calls)`);
    }
  }
  load(`after round ${round + 1}`);
}
for (const s of Object.values(sessions)) await s.release();

const med = (shape, id, key) => median(samples[`${shape}/${id}`].map((r) => r[key]));
const rows = shapes.map((s) => {
  const out = { shape: `batch ${s.batch}, ${s.tokens} tok` };
  for (const level of LEVELS) {
    const fp = med(s.id, `fp32-${level}`, "rowsPerSec");
    const q = med(s.id, `int8-${level}`, "rowsPerSec");
    const fpCpu = med(s.id, `fp32-${level}`, "cpuMsPerCall");
    const qCpu = med(s.id, `int8-${level}`, "cpuMsPerCall");
    out[level] = { fp32: fp, int8: q, ratio: q / fp, cpuRatio: fpCpu / qCpu, ...parity[`${s.id}-${level}`] };
  }
  return out;
});

const head = ["shape", ...LEVELS.flatMap((l) => [`FP32 rows/s (${l})`, `int8 rows/s (${l})`, `int8/FP32 (${l})`, `max \\|Δ logit\\| (${l})`])];
console.log(`\n| ${head.join(" | ")} |\n| ${head.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`);
for (const r of rows) {
  const cells = LEVELS.flatMap((l) => [r[l].fp32.toFixed(1), r[l].int8.toFixed(1), `**${r[l].ratio.toFixed(2)}×**`, r[l].maxAbsDelta.toFixed(3)]);
  console.log(`| ${r.shape} | ${cells.join(" | ")} |`);
}
const best = LEVELS.at(-1);
console.log(`\nint8 "${best}" vs FP32 "${best}", goal ≥ 3×: ${rows.map((r) => `${r.shape} ${r[best].ratio.toFixed(2)}× ${r[best].ratio >= 3 ? "met" : "MISSED"}`).join("; ")}`);
if (LEVELS.length > 1) console.log(`level "${best}" vs "${LEVELS[0]}" for int8: ${rows.map((r) => `${r.shape} ${(r[best].int8 / r[LEVELS[0]].int8).toFixed(2)}×`).join("; ")}`);
console.log(
  `CPU-time ratios (FP32 CPU ms per call / int8, steadier when the machine is shared): ${rows.map((r) => `${r.shape} ${LEVELS.map((l) => `${l} ${r[l].cpuRatio.toFixed(2)}×`).join(", ")}`).join("; ")}`,
);
console.log(`max |logit| FP32 ≈ ${Math.max(...rows.flatMap((r) => LEVELS.map((l) => r[l].maxAbsLogit))).toFixed(2)}; ${ROUNDS} rounds × ${DUR} s per cell, medians; 1 intra-op thread`);

const results = path.join(ROOT, "bench/results");
fs.mkdirSync(results, { recursive: true });
const file = path.join(results, `transformers-int8-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
fs.writeFileSync(file, JSON.stringify({ rounds: ROUNDS, dur: DUR, quantize: { ms: quantizeMs, ...details }, fused, parity, samples, rows, loads }, null, 2) + "\n");
console.log(`results: ${path.relative(ROOT, file)}`);
