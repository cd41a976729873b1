#!/usr/bin/env node
// Transformer serving bench, side by side in one run on loopback (bench/serve/run.mjs's manner):
// for each model every server is started once and warmed; each round drives every server in
// turn (order rotated per round and per cell) with a closed-loop client (serve/lib.mjs
// closedLoop: keep-alive connections opened before the clock starts) for each text length ×
// connection count, then times the raw session.run ceiling at the batch sizes mesh used in
// that round. Medians over rounds. The client runs in this process and shares the machine's
// cores with the servers. Every server is stopped by its PID (cluster workers included).
//
//   npm run build && node bin/mesh.js run sentiment --no-serve
//   node bench/transformers/serve.mjs
//   ROUNDS=3 DUR=4 DUR_MAX=16 CONNS=1,16,64 TEXTS=short,long MODELS=sentiment,sentiment-int8,bert,bert-int8 \
//     SERVERS=handwritten,transformersjs,mesh-batch,mesh-single,mesh-w2,mesh-t2 node bench/transformers/serve.mjs
//
// Results: bench/results/transformers-serve-<time>.json (gitignored) and Markdown on stdout.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { ROOT, WORK } from "./serve/base-model.mjs";
import { bertFolders } from "./serve/bert-folder.mjs";
import { textPools } from "./serve/texts.mjs";
import { children, closedLoop, killAll, median, meshStats, post, stageForTransformersJs, start, treeCpuSeconds, waitQuiet } from "./serve/lib.mjs";

const env = process.env;
const ROUNDS = Number(env.ROUNDS ?? 3);
const DUR = Number(env.DUR ?? 4);
const DUR_MAX = Number(env.DUR_MAX ?? 16);
const CONNS = (env.CONNS ?? "1,16,64").split(",").map(Number);
const TEXTS = (env.TEXTS ?? "short,long").split(",");
const MODELS = (env.MODELS ?? "sentiment,sentiment-int8,bert,bert-int8").split(",");
const SERVERS = (env.SERVERS ?? "handwritten,transformersjs,mesh-batch,mesh-single,mesh-w2,mesh-t2").split(",");
const CEIL_DUR = Number(env.CEIL_DUR ?? 3);
const TOK_DUR = Number(env.TOK_DUR ?? 1);
const QUIET_MS = Number(env.QUIET_MS ?? 5000);
const MESH_TIMEOUT_MS = env.BENCH_MESH_TIMEOUT_MS ?? "120000";
const HERE = join(ROOT, "bench/transformers/serve");
const JOBS = join(WORK, "serve/jobs");
const RESULTS = join(ROOT, "bench/results");
const log = (s) => process.stderr.write(`${s}\n`);
const loads = [];
const noteLoad = (when) => {
  const l = loadavg();
  loads.push({ when, at: new Date().toISOString(), one: l[0], five: l[1], fifteen: l[2] });
  log(`load average (${when}): ${l.map((x) => x.toFixed(2)).join(" / ")}`);
};

process.on("exit", killAll);
process.on("SIGINT", () => (killAll(), process.exit(130)));
process.on("SIGTERM", () => (killAll(), process.exit(143)));

// ---------------------------------------------------------------- checks
function staleDist() {
  const stale = [];
  const walk = (dir) => {
    for (const f of readdirSync(join(ROOT, dir))) {
      const rel = join(dir, f);
      if (statSync(join(ROOT, rel)).isDirectory()) walk(rel);
      else if (f.endsWith(".ts") && !f.endsWith(".d.ts")) {
        const js = join(ROOT, "dist", rel.replace(/\.ts$/, ".js"));
        if (!existsSync(js) || statSync(js).mtimeMs < statSync(join(ROOT, rel)).mtimeMs) stale.push(rel);
      }
    }
  };
  for (const d of ["runtimes/serve", "runtimes/transformers"]) walk(d);
  return stale;
}
const stale = staleDist();
if (stale.length > 0) {
  log(`bench: dist/ is older than ${stale.slice(0, 5).join(", ")}${stale.length > 5 ? ` (+${stale.length - 5})` : ""}; run npm run build first (the generated server imports dist/)`);
  if (!env.ALLOW_STALE_DIST) process.exit(2);
}
const generated = env.BENCH_GENERATED ?? join(ROOT, "out/sentiment/serve");
if (!existsSync(join(generated, "main.js"))) {
  log("bench: out/sentiment/serve/main.js is missing; run node bin/mesh.js run sentiment --no-serve (and node bin/mesh.js generate projects/sentiment/project.yaml)");
  process.exit(2);
}
const { definition: sentimentDef } = await import(pathToFileURL(join(generated, "definition.js")).href);
const route = `${sentimentDef.basePath}/predict`;
const namespace = sentimentDef.name;
const bodyOf = (text) => JSON.stringify({ data: { namespace, attributes: { [sentimentDef.transformer.input]: text } } });
const defaultsText = /const defaults = (\{[\s\S]*?\});/.exec(readFileSync(join(generated, "main.js"), "utf8"))[1];
const meshDefaults = new Function(`return ${defaultsText}`)();

// ---------------------------------------------------------------- models
/**
 * The newest compiled sentiment versions in the file registry (.mesh/registry/sentiment/models/
 * SENTIMENT-COMPILED/<n>/, complete HF folders): { fp32, int8 } by their card's compile target.
 */
function sentimentFromRegistry() {
  const found = {};
  const dir = join(ROOT, ".mesh/registry/sentiment/models/SENTIMENT-COMPILED");
  if (!existsSync(dir)) return found;
  const versions = readdirSync(dir)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(a) - Number(b));
  for (const v of versions) {
    const folder = join(dir, v);
    try {
      const card = JSON.parse(readFileSync(join(folder, "card.json"), "utf8"));
      const compile = card.params?.compile ?? {};
      if ((compile.target?.kind ?? "onnx") !== "onnx" || !existsSync(join(folder, "model.onnx"))) continue;
      const q = compile.quantize?.kind ?? compile.target?.quantize ?? "none";
      found[q === "int8" ? "int8" : "fp32"] = { onnx: join(folder, "model.onnx"), folder, version: card.id };
    } catch {
      // not a finished version
    }
  }
  return found;
}

const models = [];
{
  const reg = sentimentFromRegistry();
  const committed = env.SENTIMENT_DIR ?? join(ROOT, "projects/sentiment/model");
  const fp32 = (env.SENTIMENT_DIR ? undefined : reg.fp32) ?? (existsSync(join(committed, "model.onnx")) ? { onnx: join(committed, "model.onnx"), folder: committed } : undefined);
  const maxLength = sentimentDef.transformer.maxLength;
  if (MODELS.includes("sentiment")) {
    if (!fp32) throw new Error("bench: no sentiment model (projects/sentiment/model/model.onnx or a compiled version in .mesh/registry)");
    models.push({ id: "sentiment", ...fp32, maxLength, mesh: "generated" });
  }
  if (MODELS.includes("sentiment-int8")) {
    if (reg.int8) models.push({ id: "sentiment-int8", ...reg.int8, maxLength, mesh: "generated" });
    else log("bench: no int8-compiled sentiment version in .mesh/registry; skipping sentiment-int8");
  }
  if (MODELS.some((m) => m.startsWith("bert"))) {
    const bert = await bertFolders({ log });
    if (MODELS.includes("bert")) models.push({ id: "bert", folder: bert.fp32, onnx: join(bert.fp32, "model.onnx"), maxLength: 512, mesh: "folder", quantize: bert.quantize });
    if (MODELS.includes("bert-int8")) models.push({ id: "bert-int8", folder: bert.int8, onnx: join(bert.int8, "model.onnx"), maxLength: 512, mesh: "folder", quantize: bert.quantize });
  }
}

// ---------------------------------------------------------------- children: ceiling, tokenizer speed
mkdirSync(JOBS, { recursive: true });
let jobCount = 0;
function childJson(script, job) {
  const file = join(JOBS, `job-${process.pid}-${jobCount++}.json`);
  writeFileSync(file, JSON.stringify(job));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(HERE, script), file], { stdio: ["ignore", "pipe", "pipe"] });
    children.add(child);
    let out = "";
    let err = "";
    child.stdout.on("data", (c) => (out += c));
    child.stderr.on("data", (c) => (err = (err + c).slice(-2000)));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`${script} exited ${code}: ${err}`))));
  });
}

const tokenized = new Map();
async function tokenize(model, texts) {
  const key = `${model.folder}|${model.maxLength}`;
  if (!tokenized.has(key)) {
    const { default: tk } = await import("tokenizers");
    const t = tk.Tokenizer.fromString(readFileSync(join(model.folder, "tokenizer.json"), "utf8"));
    t.setTruncation(model.maxLength);
    tokenized.set(key, { t, cache: new Map() });
  }
  const { t, cache } = tokenized.get(key);
  const id = texts.join("\u0000");
  if (!cache.has(id))
    cache.set(
      id,
      (await t.encodeBatch(texts)).map((e) => e.getIds()),
    );
  return cache.get(id);
}

/** Raw session.run rows/s at each batch size; `procs` copies run at once (the 2-worker ceiling: rows/s summed). */
async function ceiling(model, seqs, batches, threads, procs = 1, dur = CEIL_DUR, minCalls = 2) {
  const job = { model: model.onnx, threads, padId: model.padId, sequences: seqs, batches, dur, minCalls };
  const runs = await Promise.all(Array.from({ length: procs }, () => childJson("ceiling.mjs", job)));
  return batches.map((b, i) => ({
    batch: b,
    threads,
    procs,
    rowsPerSec: runs.reduce((s, r) => s + r[i].rowsPerSec, 0),
    msPerCall: median(runs.map((r) => r[i].msPerCall)),
    cpuMsPerRow: median(runs.map((r) => r[i].cpuMsPerRow)),
    paddingShare: runs[0][i].paddingShare,
  }));
}

// ---------------------------------------------------------------- servers
const tjsStage = join(WORK, "serve/transformersjs-stage");
function serverSpecs(model, probe) {
  const node = process.execPath;
  const meshCmd = model.mesh === "generated" ? [node, join(generated, "main.js")] : [node, join(HERE, "servers/mesh-folder.mjs")];
  const mesh = (name, extra) => ({
    name,
    cmd: meshCmd,
    env: (port) => ({
      MESH_HOST: "127.0.0.1",
      MESH_PORT: String(port),
      MESH_MODEL_PATH: model.mesh === "generated" ? model.folder : model.folder,
      MESH_LOG_LEVEL: "warn",
      MESH_TIMEOUT_MS: MESH_TIMEOUT_MS,
      MESH_DRAIN_MS: "1000",
      BENCH_MAX_LENGTH: String(model.maxLength),
      ...extra,
    }),
  });
  const all = {
    handwritten: {
      name: "handwritten",
      cmd: [node, join(HERE, "servers/handwritten.mjs")],
      env: (port) => ({ PORT: String(port), MODEL_DIR: model.folder, MODEL_FILE: model.onnx, MAX_LENGTH: String(model.maxLength), ROUTE: route, NAMESPACE: namespace }),
    },
    transformersjs: {
      name: "transformersjs",
      cmd: [node, join(HERE, "servers/transformersjs.mjs")],
      env: (port) => ({ PORT: String(port), STAGE: tjsStage, MODEL_ID: model.id, ROUTE: route, NAMESPACE: namespace }),
    },
    "mesh-batch": mesh("mesh-batch", { MESH_BATCH_ENABLED: "true" }),
    "mesh-single": mesh("mesh-single", { MESH_BATCH_ENABLED: "false" }),
    "mesh-w2": mesh("mesh-w2", { MESH_BATCH_ENABLED: "true", MESH_WORKERS: "2" }),
    "mesh-t2": mesh("mesh-t2", { MESH_BATCH_ENABLED: "true", MESH_INTRA_OP_THREADS: "2" }),
  };
  if (SERVERS.includes("transformersjs")) {
    const { fixed } = stageForTransformersJs(tjsStage, model.id, model.folder, model.onnx);
    if (fixed.length > 0) {
      log(`  transformers.js stage of ${model.id}: tokenizer_config.json ${fixed.join(", ")} written as plain strings (transformers.js refuses AddedToken objects without __type)`);
      (results.tjsStageFixes ??= {})[model.id] = fixed;
    }
  }
  return SERVERS.map((s) => ({ ...all[s], path: route, probe }));
}

/** PIDs of a process and its descendants. */
function treePids(pid) {
  const out = [];
  const visit = (p) => {
    out.push(p);
    try {
      for (const t of readdirSync(`/proc/${p}/task`)) for (const c of readFileSync(`/proc/${p}/task/${t}/children`, "utf8").split(" ").filter(Boolean)) visit(Number(c));
    } catch {
      // gone
    }
  };
  visit(pid);
  return out;
}

/** SIGTERM (or SIGKILL when `hard`), then SIGKILL whatever of the tree is left after 5 s, each by PID. */
async function stopTree(s, hard = false) {
  const pids = treePids(s.child.pid);
  const exited = new Promise((r) => (s.child.exitCode !== null || s.child.signalCode !== null ? r() : s.child.once("exit", r)));
  for (const p of hard ? pids : [pids[0]]) {
    try {
      process.kill(p, hard ? "SIGKILL" : "SIGTERM");
    } catch {
      // gone
    }
  }
  await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
  for (const p of pids) {
    try {
      process.kill(p, 0);
      process.kill(p, "SIGKILL");
    } catch {
      // gone
    }
  }
  await exited;
}

// ---------------------------------------------------------------- one cell
/** `n` requests on fresh connections (so cluster workers share them); a worker still loading answers 503: retried ≤ 60 s. */
async function warm(s, bodies, n) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const r = await post(s.port, s.path, bodies[i % bodies.length]);
    if (r.status === 503 && performance.now() - t0 < 60_000) {
      await new Promise((res) => setTimeout(res, 200));
      i--;
      continue;
    }
    if (r.status !== 200) throw new Error(`${s.name}: warm-up answered ${r.status}: ${r.text.slice(0, 300)}`);
  }
}

const isMesh = (s) => s.name.startsWith("mesh-");
const hasMetrics = (s) => isMesh(s) && s.name !== "mesh-w2"; // cluster workers keep their own /metrics

async function cell(s, bodies, c, dur) {
  const before = hasMetrics(s) ? await meshStats(s.port) : undefined;
  const cpu0 = treeCpuSeconds(s.child.pid);
  const self0 = process.cpuUsage();
  const t0 = performance.now();
  const r = await closedLoop({ port: s.port, path: s.path, bodies, connections: c, durationS: dur });
  const wall = (performance.now() - t0) / 1000;
  const self = process.cpuUsage(self0);
  const cpu = treeCpuSeconds(s.child.pid) - cpu0;
  r.cpuUsPerReq = r.ok > 0 ? Math.round((cpu / r.ok) * 1e6) : NaN;
  r.serverCores = cpu / wall;
  r.clientCores = (self.user + self.system) / 1e6 / wall;
  if (before) {
    const after = await meshStats(s.port);
    const calls = after.calls - before.calls;
    r.rowsPerCall = calls > 0 ? (after.rowsSum - before.rowsSum) / calls : NaN;
    const real = after.real - before.real;
    const pad = after.padding - before.padding;
    r.paddingShare = real + pad > 0 ? pad / (real + pad) : NaN;
    r.computeMsPerCall = calls > 0 ? ((after.computeSum - before.computeSum) / calls) * 1000 : NaN;
  }
  return r;
}

// ---------------------------------------------------------------- run
noteLoad("start");
const results = {
  when: new Date().toISOString(),
  node: process.version,
  cpus: cpus().length,
  cpuModel: cpus()[0]?.model,
  memGB: totalmem() / 2 ** 30,
  rounds: ROUNDS,
  dur: DUR,
  durMax: DUR_MAX,
  conns: CONNS,
  texts: TEXTS,
  servers: SERVERS,
  meshDefaults,
  meshTimeoutMs: Number(MESH_TIMEOUT_MS),
  models: [],
  pools: {},
  tokenizer: {},
  runs: [],
  ceilings: [],
  restarts: [],
  loads,
};

for (const model of models) {
  const { default: tk } = await import("tokenizers");
  const tj = JSON.parse(readFileSync(join(model.folder, "tokenizer.json"), "utf8"));
  const vocab = tk.Tokenizer.fromString(JSON.stringify(tj)).getVocab(true);
  model.padId = typeof tj.padding?.pad_id === "number" ? tj.padding.pad_id : (vocab["[PAD]"] ?? vocab["<pad>"] ?? 0);
  const pools = await textPools(model.folder, model.maxLength);
  model.pools = {};
  for (const kind of TEXTS) {
    const texts = pools[kind].map((p) => p.text);
    model.pools[kind] = { texts, bodies: texts.map(bodyOf), tokens: pools[kind].map((p) => p.tokens), seqs: await tokenize(model, texts) };
  }
  results.models.push({
    id: model.id,
    version: model.version,
    onnx: relative(ROOT, model.onnx),
    folder: relative(ROOT, model.folder),
    maxLength: model.maxLength,
    bytes: statSync(model.onnx).size,
    quantize: model.id.startsWith("bert") ? model.quantize : undefined,
  });
  results.pools[model.id] = Object.fromEntries(
    TEXTS.map((k) => [
      k,
      {
        count: model.pools[k].texts.length,
        band: pools.bands[k],
        meanTokens: model.pools[k].tokens.reduce((a, b) => a + b, 0) / model.pools[k].tokens.length,
        example: model.pools[k].texts[0].slice(0, 120),
      },
    ]),
  );
  log(
    `${model.id}: ${relative(ROOT, model.onnx)} (${(statSync(model.onnx).size / 1e6).toFixed(1)} MB), max ${model.maxLength} tokens; texts ${TEXTS.map((k) => `${k} ≈${results.pools[model.id][k].meanTokens.toFixed(0)} tok`).join(", ")}`,
  );
}

// Tokenizer speed, once per distinct tokenizer (short and long texts of that model).
for (const model of models) {
  const key = readFileSync(join(model.folder, "tokenizer.json"), "utf8").length + "|" + model.maxLength;
  if (Object.values(results.tokenizer).some((t) => t.key === key)) continue;
  const job = {
    folder: model.folder,
    maxLength: model.maxLength,
    pools: Object.fromEntries(TEXTS.map((k) => [k, model.pools[k].texts])),
    dur: TOK_DUR,
    rounds: 3,
    meshTokenizer: join(ROOT, "dist/runtimes/transformers/tokenizer.js"),
  };
  const t = await childJson("tokenizer-speed.mjs", job);
  results.tokenizer[model.id] = { key, ...t };
  log(
    `tokenizer ${model.id}: ${Object.entries(t.result)
      .map(([k, v]) => `${k} ${v.cpuUs.toFixed(0)} µs`)
      .join(", ")}; same ids ${JSON.stringify(t.agree)}`,
  );
}
const tokenizerOf = (model) => {
  const key = readFileSync(join(model.folder, "tokenizer.json"), "utf8").length + "|" + model.maxLength;
  return Object.values(results.tokenizer).find((t) => t.key === key);
};

for (const model of models) {
  const batchMax = meshDefaults.batchMax ?? 32;
  // How long one model call takes, to size the cells: a window must hold a few batches.
  const est = {};
  for (const kind of TEXTS) {
    const [one, full] = await ceiling(model, model.pools[kind].seqs, [1, batchMax], 1, 1, 0.5, 1);
    est[kind] = { ms1: one.msPerCall, msFull: full.msPerCall };
  }
  const durOf = (kind, c) => Math.min(DUR_MAX, Math.max(DUR, Math.ceil(c === 1 ? (8 * est[kind].ms1) / 1000 : (4 * est[kind].msFull) / 1000)));
  log(`${model.id}: cell durations ${TEXTS.map((k) => `${k} ${CONNS.map((c) => `c=${c} ${durOf(k, c)} s`).join(" ")}`).join("; ")}`);

  const probe = model.pools[TEXTS[0]].bodies[0];
  const specs = serverSpecs(model, probe);
  const running = [];
  try {
    for (const spec of specs) {
      const s = await start(spec);
      running.push(s);
      log(`  ${s.name} ready in ${Math.round(s.readyMs)} ms`);
    }
    for (const s of running) for (const kind of TEXTS) await warm(s, model.pools[kind].bodies, 3);

    for (let round = 0; round < ROUNDS; round++) {
      for (const kind of TEXTS) {
        const pool = model.pools[kind];
        for (const [ci, c] of CONNS.entries()) {
          const dur = durOf(kind, c);
          const order = running.map((_, i) => running[(i + round + ci) % running.length]);
          for (const s0 of order) {
            const idx = running.indexOf(s0);
            const s = running[idx];
            const r = await cell(s, pool.bodies, c, dur);
            const quietMs = await waitQuiet(s.child.pid, QUIET_MS);
            let restarted = false;
            if (quietMs >= QUIET_MS) {
              // Still working on requests the load generator abandoned: restart rather than wait.
              await stopTree(s, true);
              const fresh = await start(specs.find((x) => x.name === s.name));
              await warm(fresh, pool.bodies, 2);
              running[idx] = fresh;
              restarted = true;
              results.restarts.push({ model: model.id, server: s.name, text: kind, conns: c, round });
            }
            results.runs.push({ model: model.id, text: kind, server: s.name, conns: c, round, dur, quietMs, restarted, ...r });
            log(
              `${model.id} ${kind} ${s.name} c=${c} r${round}: ${r.rps.toFixed(1)} rows/s p99 ${r.p99} ms cpu ${r.cpuUsPerReq} µs/req cores ${r.serverCores.toFixed(2)} (client ${r.clientCores.toFixed(2)})` +
                `${Number.isFinite(r.rowsPerCall) ? ` rows/call ${r.rowsPerCall.toFixed(1)} pad ${(100 * r.paddingShare).toFixed(1)}%` : ""}${r.non2xx || r.errors ? ` non2xx ${r.non2xx} err ${r.errors}` : ""}${restarted ? " (restarted)" : ""}`,
            );
          }
        }
        // The ceiling at the batch sizes mesh (1 worker, batching on) used this round.
        const meshRuns = results.runs.filter((x) => x.model === model.id && x.text === kind && x.round === round && x.server === "mesh-batch");
        const sizes = [...new Set([1, ...meshRuns.map((x) => Math.max(1, Math.round(x.rowsPerCall)))].filter(Number.isFinite))].sort((a, b) => a - b);
        const cdur = Math.max(CEIL_DUR, 0);
        const one = await ceiling(model, pool.seqs, sizes, 1, 1, cdur);
        const top = sizes.at(-1);
        const t2runs = results.runs.filter((x) => x.model === model.id && x.text === kind && x.round === round && x.server === "mesh-t2" && x.conns === Math.max(...CONNS));
        const t2size = t2runs.length ? Math.max(1, Math.round(t2runs[0].rowsPerCall)) : top;
        const two = SERVERS.includes("mesh-t2") ? await ceiling(model, pool.seqs, [t2size], 2, 1, cdur) : [];
        const procs = SERVERS.includes("mesh-w2") ? await ceiling(model, pool.seqs, [top], 1, 2, cdur) : [];
        for (const x of [...one, ...two, ...procs]) results.ceilings.push({ model: model.id, text: kind, round, ...x });
        log(`${model.id} ${kind} ceiling r${round}: ${[...one, ...two, ...procs].map((x) => `b${x.batch} t${x.threads}×${x.procs} ${x.rowsPerSec.toFixed(1)} rows/s`).join(", ")}`);
      }
      noteLoad(`${model.id} round ${round + 1}`);
    }
  } finally {
    for (const s of running) await stopTree(s);
  }
}

// ---------------------------------------------------------------- report
const key = (...xs) => xs.join("|");
const groups = new Map();
for (const r of results.runs) {
  const k = key(r.model, r.text, r.server, r.conns);
  if (!groups.has(k)) groups.set(k, []);
  groups.get(k).push(r);
}
const med = (model, text, server, c, f) => median((groups.get(key(model, text, server, c)) ?? []).map(f));
const rps = (m, t, s, c) => med(m, t, s, c, (r) => r.rps);
const ceil = (m, t, batch, threads = 1, procs = 1) =>
  median(results.ceilings.filter((x) => x.model === m && x.text === t && x.batch === batch && x.threads === threads && x.procs === procs).map((x) => x.rowsPerSec));
const ceilAtMesh = (m, t, c, server = "mesh-batch") => {
  const b = Math.max(1, Math.round(med(m, t, server === "mesh-w2" ? "mesh-batch" : server, c, (r) => r.rowsPerCall)));
  const threads = server === "mesh-t2" ? 2 : 1;
  const procs = server === "mesh-w2" && c > 1 ? 2 : 1;
  let v = ceil(m, t, b, threads, procs);
  if (!Number.isFinite(v)) {
    // the nearest measured batch size for this configuration
    const xs = results.ceilings.filter((x) => x.model === m && x.text === t && x.threads === threads && x.procs === procs);
    const near = xs.sort((a, b2) => Math.abs(a.batch - b) - Math.abs(b2.batch - b))[0];
    v = near ? ceil(m, t, near.batch, threads, procs) : NaN;
  }
  return { batch: b, rowsPerSec: v };
};
const f0 = (x) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en") : "–");
const f1 = (x) => (Number.isFinite(x) ? (x >= 100 ? Math.round(x).toLocaleString("en") : x.toFixed(1)) : "–");
const pct = (x) => (Number.isFinite(x) ? `${(100 * x).toFixed(1)} %` : "–");
const ratio = (a, b) => (Number.isFinite(a / b) ? a / b : NaN);
const fr = (x) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : "–");

const lines = [];
lines.push(`| model | text | server | conns | rows/s | p50 ms | p99 ms | server CPU µs/req | server cores | client cores | rows/call | padding | ceiling rows/s (batch) | / ceiling | errors |`);
lines.push(`| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |`);
for (const m of models.map((x) => x.id)) {
  for (const t of TEXTS) {
    for (const s of SERVERS) {
      for (const c of CONNS) {
        const g = groups.get(key(m, t, s, c));
        if (!g) continue;
        const r = rps(m, t, s, c);
        const ce = isMesh({ name: s }) ? ceilAtMesh(m, t, c, s) : { batch: 1, rowsPerSec: ceil(m, t, 1) };
        const errs = g.reduce((a, x) => a + x.non2xx + x.errors, 0);
        lines.push(
          `| ${m} | ${t} | ${s} | ${c} | ${f1(r)} | ${f1(med(m, t, s, c, (x) => x.p50))} | ${f1(med(m, t, s, c, (x) => x.p99))} | ${f0(med(m, t, s, c, (x) => x.cpuUsPerReq))} | ${med(m, t, s, c, (x) => x.serverCores).toFixed(2)} | ${med(m, t, s, c, (x) => x.clientCores).toFixed(2)} | ${f1(med(m, t, s, c, (x) => x.rowsPerCall))} | ${pct(med(m, t, s, c, (x) => x.paddingShare))} | ${f1(ce.rowsPerSec)} (${ce.batch}${s === "mesh-t2" ? ", 2 thr" : s === "mesh-w2" && c > 1 ? ", 2 procs" : ""}) | ${fr(ratio(r, ce.rowsPerSec))} | ${errs} |`,
        );
      }
    }
  }
}

// Tokenizer table
const tokLines = [
  `| tokenizer (model) | texts | native encode (single) µs | native encodeBatch µs/text | mesh's encode path µs | @huggingface/tokenizers (JS) µs | JS / native single | same ids |`,
  `| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |`,
];
for (const [id, t] of Object.entries(results.tokenizer)) {
  for (const kind of TEXTS) {
    const v = (n) => t.result[`${kind}/${n}`];
    tokLines.push(
      `| ${id} | ${kind} | ${v("native-single").cpuUs.toFixed(1)} | ${v("native-batch").cpuUs.toFixed(1)} | ${v("mesh").cpuUs.toFixed(1)} | ${v("js").cpuUs.toFixed(1)} | ${fr(v("js").cpuUs / v("native-single").cpuUs)} | ${t.agree[kind]} |`,
    );
  }
}

// Goals
const goals = [];
const maxC = Math.max(...CONNS);
const minC = Math.min(...CONNS);
const verdict = (ok) => (ok === undefined ? "–" : ok ? "met" : "**missed**");
const each = (fn) => models.flatMap((m) => TEXTS.map((t) => fn(m.id, t)));
for (const [m, t] of each((m, t) => [m, t])) {
  const ce = ceilAtMesh(m, t, maxC);
  const r = ratio(rps(m, t, "mesh-batch", maxC), ce.rowsPerSec);
  goals.push([`${m} ${t}: mesh / raw session.run ceiling at c=${maxC} (batch ${ce.batch}; goal ≥ 1/1.10 = 0.91)`, fr(r), verdict(Number.isFinite(r) ? r >= 1 / 1.1 : undefined)]);
}
for (const [m, t] of each((m, t) => [m, t])) {
  const a = ratio(rps(m, t, "mesh-batch", minC), rps(m, t, "handwritten", minC));
  const b = ratio(rps(m, t, "mesh-batch", maxC), rps(m, t, "handwritten", maxC));
  goals.push([
    `${m} ${t}: mesh / hand-written at c=${minC} (goal ≥ 1.0) and c=${maxC} (goal ≥ 1.3)`,
    `${fr(a)} / ${fr(b)}`,
    Number.isFinite(a) && Number.isFinite(b) ? verdict(a >= 1 && b >= 1.3) : "–",
  ]);
}
for (const [m, t] of each((m, t) => [m, t])) {
  const r = ratio(rps(m, t, "mesh-batch", maxC), rps(m, t, "transformersjs", maxC));
  goals.push([`${m} ${t}: mesh / transformers.js at c=${maxC} (goal ≥ 1.5)`, fr(r), verdict(Number.isFinite(r) ? r >= 1.5 : undefined)]);
}
for (const t of TEXTS) {
  for (const s of ["mesh-batch", "mesh-t2", "mesh-w2"]) {
    const r = ratio(rps("bert-int8", t, s, maxC), rps("bert", t, s, maxC));
    if (Number.isFinite(r)) goals.push([`BERT-base ${t}: int8 / FP32 rows/s, ${s} c=${maxC} (goal ≥ 3)`, fr(r), verdict(r >= 3)]);
  }
  const rc = ratio(ceil("bert-int8", t, 1), ceil("bert", t, 1));
  if (Number.isFinite(rc)) goals.push([`BERT-base ${t}: int8 / FP32 raw session.run, batch 1 (goal ≥ 3)`, fr(rc), verdict(rc >= 3)]);
}
for (const [m, t] of each((m, t) => [m, t])) {
  const one = rps(m, t, "mesh-batch", maxC);
  const w2 = ratio(rps(m, t, "mesh-w2", maxC), one);
  const t2 = ratio(rps(m, t, "mesh-t2", maxC), one);
  const cw = med(m, t, "mesh-w2", maxC, (x) => x.serverCores);
  const ct = med(m, t, "mesh-t2", maxC, (x) => x.serverCores);
  const best = Math.max(w2 || 0, t2 || 0);
  goals.push([
    `${m} ${t}: both cores, c=${maxC}: 2 workers ${fr(w2)} (${f1(cw)} cores), 2 intra-op threads ${fr(t2)} (${f1(ct)} cores) vs 1 worker (goal: best ≥ 1.5×)`,
    w2 >= t2 ? "2 workers" : "2 threads",
    verdict(Number.isFinite(best) && best > 0 ? best >= 1.5 : undefined),
  ]);
}
for (const model of models) {
  if (!TEXTS.includes("short")) continue;
  const tok = tokenizerOf(model)?.result["short/mesh"]?.cpuUs;
  for (const c of CONNS) {
    const req = med(model.id, "short", "mesh-batch", c, (x) => x.cpuUsPerReq);
    const share = tok / req;
    goals.push([
      `${model.id} short: tokenization share of mesh's CPU per request, c=${c} (${f1(tok)} of ${f0(req)} µs; goal ≤ 10 %)`,
      pct(share),
      verdict(Number.isFinite(share) ? share <= 0.1 : undefined),
    ]);
  }
}
for (const [m, t] of each((m, t) => [m, t])) {
  goals.push([`${m} ${t}: padding share of tokens fed, mesh-batch c=${CONNS.join("/")} (reported)`, CONNS.map((c) => pct(med(m, t, "mesh-batch", c, (x) => x.paddingShare))).join(" / "), "reported"]);
}

const ceilLines = [`| model | text | batch | threads × procs | rows/s | ms per call | CPU ms per row | padding |`, `| --- | --- | ---: | --- | ---: | ---: | ---: | ---: |`];
const ceilKeys = new Map();
for (const x of results.ceilings) ceilKeys.set(key(x.model, x.text, x.batch, x.threads, x.procs), x);
for (const k of ceilKeys.keys()) {
  const [m, t, b, th, p] = k.split("|");
  const xs = results.ceilings.filter((x) => key(x.model, x.text, x.batch, x.threads, x.procs) === k);
  ceilLines.push(
    `| ${m} | ${t} | ${b} | ${th} × ${p} | ${f1(median(xs.map((x) => x.rowsPerSec)))} | ${f1(median(xs.map((x) => x.msPerCall)))} | ${median(xs.map((x) => x.cpuMsPerRow)).toFixed(2)} | ${pct(xs[0].paddingShare)} |`,
  );
}

noteLoad("end");
results.goals = goals.map(([goal, value, status]) => ({ goal, value, status }));
mkdirSync(RESULTS, { recursive: true });
const file = join(RESULTS, `transformers-serve-${results.when.replace(/[:.]/g, "-")}.json`);
writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
console.log(lines.join("\n"));
console.log(`\nRaw session.run ceiling (no HTTP, pre-tokenised, padded like mesh's batches):\n\n${ceilLines.join("\n")}`);
console.log(`\nTokenizer CPU µs per text (medians of 3 rounds):\n\n${tokLines.join("\n")}`);
console.log(`\n| goal | measured | |\n| --- | --- | --- |\n${goals.map(([g, v, s]) => `| ${g} | ${v} | ${s} |`).join("\n")}`);
console.log(
  `\nload average (1/5/15 min): ${loads.map((l) => `${l.when} ${l.one.toFixed(2)}/${l.five.toFixed(2)}/${l.fifteen.toFixed(2)}`).join("; ")}; ${results.cpus} × ${results.cpuModel}; restarts after abandoned work: ${results.restarts.length}`,
);
console.log(`results: ${relative(ROOT, file)}`);
killAll();
