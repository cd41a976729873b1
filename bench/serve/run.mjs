// Serving bench, side by side in one run on loopback: every server of a model is started
// once, warmed, then for each round × connection count autocannon drives each server in turn
// (order rotated every round). Medians over rounds; ratios against the goals of issue 3.
// Every server is killed by its PID at the end. Results: bench/results/serve-<time>.json.
//
//   node bench/serve/run.mjs                       # ROUNDS=3 DUR=5 CONNS=1,16,64 MODELS=spam,mlp
//   ROUNDS=3 DUR=10 WORKERS=1,2 COLD=5 node bench/serve/run.mjs
import { spawn, execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { request } from "node:http";
import { join } from "node:path";
import { loadavg, cpus } from "node:os";
import autocannon from "autocannon";
import { buildBench, ROOT, OUT } from "./build.mjs";
import { BODIES } from "./bodies.mjs";

const env = process.env;
const ROUNDS = Number(env.ROUNDS ?? 3);
const DUR = Number(env.DUR ?? 5);
const CONNS = (env.CONNS ?? "1,16,64").split(",").map(Number);
const MODELS = (env.MODELS ?? "spam,mlp").split(",");
const WORKERS = (env.WORKERS ?? "1,2").split(",").map(Number);
const COLD = Number(env.COLD ?? 5);
const PY = env.PYTHON ?? "/usr/bin/python3";
// ACCESS_LOG=1 adds mesh-batch-log (MESH_ACCESS_LOG=1: one info line per request) beside mesh-batch;
// ONLY=a,b runs just those servers (e.g. ONLY=mesh-batch,mesh-batch-log for the access log's cost).
const ACCESS_LOG = env.ACCESS_LOG === "1";
const ONLY = env.ONLY ? new Set(env.ONLY.split(",")) : undefined;
const RESULTS = join(ROOT, "bench/results");

const children = new Set();
const cleanup = () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
};
process.on("exit", cleanup);
process.on("SIGINT", () => (cleanup(), process.exit(130)));

const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

function post(port, path, body) {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path, method: "POST", headers: { "content-type": "application/json" }, agent: false }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode));
    });
    req.on("error", () => resolve(0));
    req.end(body);
  });
}

async function start(spec, fixedPort) {
  const port = fixedPort ?? (await freePort());
  const child = spawn(spec.cmd[0], spec.cmd.slice(1), { env: { ...cleanEnv(), ...spec.env(port) }, stdio: ["ignore", "ignore", "pipe"] });
  children.add(child);
  let stderr = "";
  child.stderr.on("data", (c) => (stderr = (stderr + c).slice(-2000)));
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${spec.name} exited: ${stderr}`);
    if ((await post(port, spec.path, spec.body)) === 200) return { ...spec, port, child };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${spec.name} not ready: ${stderr}`);
}

function stop(s) {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null) return resolve();
    s.child.once("exit", resolve);
    s.child.kill("SIGTERM");
    setTimeout(() => s.child.kill("SIGKILL"), 12_000).unref();
  });
}

/**
 * CPU seconds (user + system) used so far by a process and all its descendants (uvicorn and
 * cluster workers), from /proc. On a shared, loaded machine req/s swings with scheduling;
 * CPU time per request does not, so the report shows both.
 */
function treeCpuSeconds(pid) {
  let ticks = 0;
  const visit = (p) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15)
      for (const t of readdirSync(`/proc/${p}/task`)) {
        for (const c of readFileSync(`/proc/${p}/task/${t}/children`, "utf8").split(" ").filter(Boolean)) visit(Number(c));
      }
    } catch {
      // the process ended meanwhile
    }
  };
  visit(pid);
  return ticks / 100; // USER_HZ
}

/** Rows per model call so far, from a mesh server's /metrics (sum, count of mesh_batch_rows). */
function batchStats(port) {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: "/metrics", agent: false }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => {
        const num = (name) => Number(new RegExp(`^${name} (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
        resolve({ sum: num("mesh_batch_rows_sum"), count: num("mesh_batch_rows_count") });
      });
    });
    req.on("error", () => resolve({ sum: NaN, count: NaN }));
    req.end();
  });
}

function cleanEnv() {
  return Object.fromEntries(Object.entries(env).filter(([k]) => !k.startsWith("MESH_")));
}

function load(s, connections, duration) {
  return new Promise((resolve, reject) => {
    autocannon({ url: `http://127.0.0.1:${s.port}${s.path}`, method: "POST", headers: { "content-type": "application/json" }, body: s.body, connections, duration, pipelining: 1 }, (err, r) =>
      err ? reject(err) : resolve({ rps: r.requests.total / r.duration, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors + r.timeouts }),
    );
  });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// ---------------------------------------------------------------- setup
const built = buildBench();
const modelsDir = join(RESULTS, "models");
mkdirSync(modelsDir, { recursive: true });
const models = JSON.parse(execFileSync(process.execPath, [built["make-models"], modelsDir]).toString());
const generatedSpam = join(ROOT, "out/spam/serve/main.js");
if (!existsSync(generatedSpam) && existsSync(join(ROOT, "dist/compiler/cli/main.js"))) {
  try {
    execFileSync(process.execPath, [join(ROOT, "bin/mesh.js"), "generate", "projects/spam/project.yaml"], { cwd: ROOT, stdio: "pipe" });
  } catch {
    // fall back to the hand-written definition below
  }
}
const useGenerated = existsSync(generatedSpam) && existsSync(join(ROOT, "dist/runtimes/serve/index.js"));
const hasPython = (() => {
  try {
    execFileSync(PY, ["-c", "import fastapi, uvicorn, uvloop, httptools, numpy"], { stdio: "pipe" });
    return true;
  } catch {
    return false;
  }
})();
const features = join(OUT, "runtimes/features/index.js");

function ours(kind, model, batch, workers = 1, accessLog = false) {
  const main = kind === "spam" && useGenerated ? generatedSpam : built["our-server"];
  return {
    name: `mesh-${batch ? "batch" : "single"}${workers > 1 ? `-w${workers}` : ""}${accessLog ? "-log" : ""}`,
    cmd: [process.execPath, main],
    env: (port) => ({
      BENCH_DEF: kind,
      MESH_HOST: "127.0.0.1",
      MESH_PORT: String(port),
      MESH_MODEL_PATH: model,
      MESH_BATCH_ENABLED: String(batch),
      // The access line is written at info (to /dev/null here: the server's side of the cost).
      MESH_LOG_LEVEL: accessLog ? "info" : "warn",
      MESH_ACCESS_LOG: String(accessLog),
      MESH_WORKERS: String(workers),
      MESH_MAX_ROWS: "64",
      MESH_QUEUE_ROWS: "2048",
    }),
  };
}

function serversFor(kind) {
  const model = kind === "spam" ? models.linear : models.mlp;
  const list = [
    { name: "noop-http", cmd: [process.execPath, join(ROOT, "bench/serve/servers/noop-http.mjs")], env: (port) => ({ PORT: String(port), BENCH_NAME: kind }) },
    { name: "fastify-ort", cmd: [process.execPath, join(ROOT, "bench/serve/servers/fastify-ort.mjs")], env: (port) => ({ PORT: String(port), BENCH_DEF: kind, MODEL: model, FEATURES: features }) },
    ours(kind, model, true),
    ours(kind, model, false),
    ...WORKERS.filter((w) => w > 1).map((w) => ours(kind, model, true, w)),
    ...(ACCESS_LOG ? [ours(kind, model, true, 1, true)] : []),
  ];
  if (kind === "spam" && hasPython) {
    const weights = join(modelsDir, "linear.weights.json");
    const uv = (file, workers) => ({
      name: `fastapi-${file.includes("pyd") ? "pydantic" : "tuned"}-${workers}w`,
      cmd: [
        PY,
        "-m",
        "uvicorn",
        "--app-dir",
        join(ROOT, "bench/serve/servers"),
        `${file}:app`,
        "--host",
        "127.0.0.1",
        "--log-level",
        "warning",
        "--no-access-log",
        "--loop",
        "uvloop",
        "--http",
        "httptools",
        "--workers",
        String(workers),
      ],
      env: (port) => ({ WEIGHTS: weights, PORT: String(port) }),
    });
    list.push(uv("fastapi_pydantic", 1), uv("fastapi_tuned", 1), uv("fastapi_tuned", 2));
  }
  return list.filter((s) => !ONLY || ONLY.has(s.name)).map((s) => ({ ...s, path: `/${kind}/v1/predict`, body: BODIES[kind], model: kind }));
}

// uvicorn takes its port as a flag: patch the command at start time.
const startAny = async (s) => {
  if (s.cmd[0] !== PY) return start(s);
  const port = await freePort();
  return start({ ...s, cmd: [...s.cmd, "--port", String(port)] }, port);
};

// ---------------------------------------------------------------- closed-loop runs
const results = {
  when: new Date().toISOString(),
  cpus: cpus().length,
  loadAtStart: loadavg(),
  node: process.version,
  rounds: ROUNDS,
  durationS: DUR,
  conns: CONNS,
  generatedSpam: useGenerated,
  python: hasPython,
  runs: [],
};
for (const kind of MODELS) {
  const specs = serversFor(kind);
  const running = [];
  for (const s of specs) running.push(await startAny(s));
  try {
    for (const s of running) await load(s, 16, 1); // warm-up
    for (let round = 0; round < ROUNDS; round++) {
      for (const c of CONNS) {
        const order = running.map((_, i) => running[(i + round) % running.length]);
        for (const s of order) {
          const mesh = s.name.startsWith("mesh-") && !s.name.includes("-w");
          const before = mesh ? await batchStats(s.port) : undefined;
          const cpu0 = treeCpuSeconds(s.child.pid);
          const r = await load(s, c, DUR);
          r.cpuUsPerReq = Math.round(((treeCpuSeconds(s.child.pid) - cpu0) / (r.rps * DUR)) * 1e6);
          if (mesh) {
            const after = await batchStats(s.port);
            r.avgBatch = Number(((after.sum - before.sum) / (after.count - before.count)).toFixed(2));
          }
          results.runs.push({ model: kind, server: s.name, conns: c, round, ...r });
          process.stderr.write(
            `${kind} ${s.name} c=${c} round ${round}: ${Math.round(r.rps)} req/s p99 ${r.p99} ms cpu ${r.cpuUsPerReq} µs/req${r.avgBatch ? ` avg batch ${r.avgBatch}` : ""}${r.non2xx ? ` non2xx ${r.non2xx}` : ""}\n`,
          );
        }
      }
    }
  } finally {
    await Promise.all(running.map(stop));
  }
}

// ---------------------------------------------------------------- cold start
async function coldStart(spec) {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawn(spec.cmd[0], spec.cmd.slice(1), { env: { ...cleanEnv(), ...spec.env(port) }, stdio: "ignore" });
  children.add(child);
  while (performance.now() - t0 < 10_000) {
    if ((await post(port, spec.path, spec.body)) === 200) break;
    await new Promise((r) => setTimeout(r, 2));
  }
  const ms = performance.now() - t0;
  await stop({ child });
  return ms;
}
results.cold = {};
if (MODELS.includes("spam") && COLD > 0) {
  const specs = serversFor("spam").filter((s) => s.name === "mesh-batch" || s.name === "fastify-ort");
  for (const s of specs) {
    const runs = [];
    for (let i = 0; i < COLD; i++) runs.push(await coldStart(s));
    results.cold[s.name] = { median: median(runs), runs };
  }
}

// ---------------------------------------------------------------- report
mkdirSync(RESULTS, { recursive: true });
const file = join(RESULTS, `serve-${results.when.replace(/[:.]/g, "-")}.json`);
const med = {};
for (const r of results.runs) {
  const k = `${r.model}|${r.server}|${r.conns}`;
  (med[k] ??= { rps: [], p50: [], p99: [], batch: [], cpu: [], non2xx: 0 }).rps.push(r.rps);
  med[k].cpu.push(r.cpuUsPerReq);
  if (r.avgBatch) med[k].batch.push(r.avgBatch);
  med[k].p50.push(r.p50);
  med[k].p99.push(r.p99);
  med[k].non2xx += r.non2xx;
}
const get = (model, server, c) => med[`${model}|${server}|${c}`];
const rps = (model, server, c) => (get(model, server, c) ? median(get(model, server, c).rps) : NaN);
const lines = ["| model | server | conns | req/s (median) | per-round req/s | p50 ms | p99 ms | server CPU µs/req | avg batch | non-2xx |", "|---|---|---|---|---|---|---|---|---|---|"];
for (const [k, v] of Object.entries(med)) {
  const [model, server, c] = k.split("|");
  lines.push(
    `| ${model} | ${server} | ${c} | ${Math.round(median(v.rps)).toLocaleString("en")} | ${v.rps.map((x) => Math.round(x)).join("/")} | ${median(v.p50)} | ${median(v.p99)} | ${median(v.cpu)} | ${v.batch.length ? median(v.batch) : "–"} | ${v.non2xx} |`,
  );
}
const cpu = (model, server, c) => (get(model, server, c) ? median(get(model, server, c).cpu) : NaN);
const ratio = (a, b) => (Number.isFinite(a / b) ? (a / b).toFixed(2) : "–");
const bestTuned = (c) => Math.max(rps("spam", "fastapi-tuned-1w", c), rps("spam", "fastapi-tuned-2w", c));
const best = (model, c) => Math.max(rps(model, "mesh-batch", c), rps(model, "mesh-single", c));
const goals = [
  ["spam: mesh (best mode) / noop-http, c=64 (goal ≥ 0.5)", ratio(best("spam", 64), rps("spam", "noop-http", 64))],
  ...CONNS.map((c) => [`spam: mesh-single / fastify-ort, c=${c} (goal ≥ 0.9)`, ratio(rps("spam", "mesh-single", c), rps("spam", "fastify-ort", c))]),
  ...CONNS.map((c) => [`mlp: mesh-single / fastify-ort, c=${c} (goal ≥ 0.9)`, ratio(rps("mlp", "mesh-single", c), rps("mlp", "fastify-ort", c))]),
  ["spam: batch / single, c=1 (goal ≥ 0.9)", ratio(rps("spam", "mesh-batch", 1), rps("spam", "mesh-single", 1))],
  ["mlp: batch / single, c=1 (goal ≥ 0.9)", ratio(rps("mlp", "mesh-batch", 1), rps("mlp", "mesh-single", 1))],
  ["mlp: batch / single, c=64 (goal ≥ 2)", ratio(rps("mlp", "mesh-batch", 64), rps("mlp", "mesh-single", 64))],
  ...CONNS.map((c) => [`spam: mesh (best) / best tuned FastAPI, c=${c} (goal ≥ 1.5)`, ratio(best("spam", c), bestTuned(c))]),
  ...CONNS.map((c) => [`spam: mesh (best) / pydantic FastAPI, c=${c} (goal ≥ 8)`, ratio(best("spam", c), rps("spam", "fastapi-pydantic-1w", c))]),
  ...["spam", "mlp"].flatMap((m) => CONNS.map((c) => [`${m}: CPU per request, fastify-ort / mesh-single, c=${c} (> 1 = mesh cheaper)`, ratio(cpu(m, "fastify-ort", c), cpu(m, "mesh-single", c))])),
  ...["spam", "mlp"].map((m) => [`${m}: CPU per request, mesh-single / mesh-batch, c=64 (batching gain per CPU)`, ratio(cpu(m, "mesh-single", 64), cpu(m, "mesh-batch", 64))]),
  ...CONNS.map((c) => [
    `spam: CPU per request, best tuned FastAPI / mesh-batch, c=${c}`,
    ratio(Math.min(cpu("spam", "fastapi-tuned-1w", c), cpu("spam", "fastapi-tuned-2w", c)), cpu("spam", "mesh-batch", c)),
  ]),
  ["spam: mesh-batch p99 ms at c=16 (goal ≤ 5)", get("spam", "mesh-batch", 16) ? String(median(get("spam", "mesh-batch", 16).p99)) : "–"],
  ...WORKERS.filter((w) => w > 1).flatMap((w) => ["spam", "mlp"].map((m) => [`${m}: ${w} workers / 1 worker (batch), c=64`, ratio(rps(m, `mesh-batch-w${w}`, 64), rps(m, "mesh-batch", 64))])),
  ...(ACCESS_LOG
    ? ["spam", "mlp"].flatMap((m) =>
        CONNS.flatMap((c) => [
          [`${m}: req/s, access log on / off (batch), c=${c} (1 = free)`, ratio(rps(m, "mesh-batch-log", c), rps(m, "mesh-batch", c))],
          [`${m}: CPU per request, access log on / off (batch), c=${c}`, ratio(cpu(m, "mesh-batch-log", c), cpu(m, "mesh-batch", c))],
        ]),
      )
    : []),
  ...Object.entries(results.cold).map(([name, v]) => [`cold start spawn → first 200, ${name} (ms, goal ≤ 300)`, `${Math.round(v.median)} (${v.runs.map(Math.round).join("/")})`]),
];
results.ratios = Object.fromEntries(goals);
results.loadAtEnd = loadavg();
writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
console.log(lines.join("\n"));
console.log("\n| ratio | value |\n|---|---|\n" + goals.map(([k, v]) => `| ${k} | ${v} |`).join("\n"));
console.log(`\nload average (1/5/15 min) at start ${results.loadAtStart.map((x) => x.toFixed(1)).join("/")}, at end ${results.loadAtEnd.map((x) => x.toFixed(1)).join("/")} on ${results.cpus} CPUs`);
console.log(`results: ${file}${useGenerated ? " (spam: generated out/spam/serve)" : " (spam: hand-written fixture definition)"}`);
cleanup();
