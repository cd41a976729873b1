// Process plumbing for bench/transformers/serve.mjs, in bench/serve/run.mjs's manner: loopback
// only, every child tracked and killed by its PID, CPU from /proc.
import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { request } from "node:http";
import { join } from "node:path";

export const children = new Set();
export function killAll() {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
}

export const freePort = () =>
  new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

export function post(port, path, body) {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path, method: "POST", headers: { "content-type": "application/json" }, agent: false }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode, text }));
    });
    req.on("error", () => resolve({ status: 0, text: "" }));
    req.end(body);
  });
}

export function get(port, path) {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path, agent: false }, (res) => {
      let text = "";
      res.on("data", (c) => (text += c));
      res.on("end", () => resolve(text));
    });
    req.on("error", () => resolve(""));
    req.end();
  });
}

/** The environment without MESH_* (mesh refuses unknown ones; each server gets only its own). */
export const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("MESH_")));

/** Spawns `spec.cmd` and waits until `spec.path` answers 200 to `spec.probe` (≤ 120 s: BERT sessions load slowly). */
export async function start(spec) {
  const port = await freePort();
  const child = spawn(spec.cmd[0], spec.cmd.slice(1), { env: { ...cleanEnv(), ...spec.env(port) }, stdio: ["ignore", "ignore", "pipe"] });
  children.add(child);
  let stderr = "";
  child.stderr.on("data", (c) => (stderr = (stderr + c).slice(-4000)));
  const t0 = performance.now();
  while (performance.now() - t0 < 120_000) {
    if (child.exitCode !== null) throw new Error(`${spec.name} exited (${child.exitCode}): ${stderr}`);
    const r = await post(port, spec.path, spec.probe);
    if (r.status === 200) return { ...spec, port, child, readyMs: performance.now() - t0, sample: r.text, stderr: () => stderr };
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill("SIGKILL");
  throw new Error(`${spec.name} not ready in 120 s: ${stderr}`);
}

export function stop(s) {
  return new Promise((resolve) => {
    if (s.child.exitCode !== null || s.child.signalCode !== null) return resolve();
    s.child.once("exit", () => resolve());
    s.child.kill("SIGTERM");
    setTimeout(() => s.child.kill("SIGKILL"), 15_000).unref();
  });
}

/** User + system CPU seconds of a process and its descendants (cluster workers), from /proc. */
export function treeCpuSeconds(pid) {
  let ticks = 0;
  const visit = (p) => {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, "utf8");
      const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      ticks += Number(f[11]) + Number(f[12]);
      for (const t of readdirSync(`/proc/${p}/task`)) {
        for (const c of readFileSync(`/proc/${p}/task/${t}/children`, "utf8").split(" ").filter(Boolean)) visit(Number(c));
      }
    } catch {
      // ended meanwhile
    }
  };
  visit(pid);
  return ticks / 100;
}

/**
 * Waits until a server stopped working on requests the load generator abandoned (closed
 * connections do not cancel a queued session.run): its CPU over 300 ms below 10 % of a core,
 * at most `maxMs`. Returns the ms waited.
 */
export async function waitQuiet(pid, maxMs = 120_000) {
  const t0 = performance.now();
  for (;;) {
    const a = treeCpuSeconds(pid);
    await new Promise((r) => setTimeout(r, 300));
    if (treeCpuSeconds(pid) - a < 0.03 || performance.now() - t0 > maxMs) return Math.round(performance.now() - t0);
  }
}

/** Sums of the mesh series that matter here, from one /metrics scrape. */
export async function meshStats(port) {
  const text = await get(port, "/metrics");
  const num = (re) => {
    const m = re.exec(text);
    return m ? Number(m[1]) : NaN;
  };
  return {
    rowsSum: num(/^mesh_batch_rows_sum(?:\{[^}]*\})? (\S+)$/m),
    calls: num(/^mesh_batch_rows_count(?:\{[^}]*\})? (\S+)$/m),
    real: num(/^mesh_tokens_total\{[^}]*kind="real"[^}]*\} (\S+)$/m),
    padding: num(/^mesh_tokens_total\{[^}]*kind="padding"[^}]*\} (\S+)$/m),
    computeSum: num(/^mesh_compute_seconds_sum(?:\{[^}]*\})? (\S+)$/m),
    queueSum: num(/^mesh_queue_wait_seconds_sum(?:\{[^}]*\})? (\S+)$/m),
  };
}

/**
 * transformers.js reads `<localModelPath>/<id>/{config.json, tokenizer*.json, onnx/model.onnx}`:
 * a staged copy of an HF folder in that layout (JSON files copied, the graph symlinked).
 * transformers.js 4.3 throws "Unknown token: [object Object]" on a special token written in
 * tokenizer_config.json as an AddedToken object without `"__type": "AddedToken"` (Python
 * transformers accepts both); the copy names such tokens by their content. Returns the fixes made.
 */
export function stageForTransformersJs(stageRoot, id, folder, onnxFile) {
  const dir = join(stageRoot, id);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "onnx"), { recursive: true });
  for (const f of ["config.json", "tokenizer.json", "special_tokens_map.json"]) if (existsSync(join(folder, f))) copyFileSync(join(folder, f), join(dir, f));
  const fixed = [];
  if (existsSync(join(folder, "tokenizer_config.json"))) {
    const config = JSON.parse(readFileSync(join(folder, "tokenizer_config.json"), "utf8"));
    for (const [k, v] of Object.entries(config)) {
      if (k.endsWith("_token") && v && typeof v === "object" && v.__type !== "AddedToken" && typeof v.content === "string") {
        config[k] = v.content;
        fixed.push(k);
      }
    }
    writeFileSync(join(dir, "tokenizer_config.json"), JSON.stringify(config, null, 2));
  }
  symlinkSync(onnxFile, join(dir, "onnx/model.onnx"));
  return { dir, fixed };
}

export const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/**
 * Closed-loop load on loopback with `connections` keep-alive sockets opened (and answered)
 * BEFORE the clock starts, each sending the next body of `bodies` as soon as its previous
 * answer arrived. Why not autocannon, which opens its connections when the run starts: while
 * a server's event loop is blocked in session.run, Node accepts ONE new connection per loop
 * turn, so with BERT-sized model calls (0.2–10 s) 64 fresh connections take 64 model calls to
 * be admitted and a 5–30 s window measures the ramp, not the server.
 *
 * Requests are sent for `durationS`; the ones in flight then are awaited (never abandoned, so
 * the server is idle after a cell). rows/s = all answers / time to the last answer: the server
 * stays saturated until its queue empties, and a batching server is not charged for a batch
 * still running at the deadline.
 */
import { Agent } from "node:http";
export async function closedLoop({ port, path, bodies, connections, durationS, timeoutMs = 180_000 }) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections, keepAliveMsecs: 60_000 });
  const once = (method, reqPath, body) =>
    new Promise((resolve) => {
      const t0 = performance.now();
      const req = request({ host: "127.0.0.1", port, path: reqPath, method, agent, headers: body ? { "content-type": "application/json", "content-length": Buffer.byteLength(body) } : {} }, (res) => {
        res.on("data", () => {});
        res.on("end", () => resolve({ status: res.statusCode, ms: performance.now() - t0, end: performance.now() }));
      });
      req.setTimeout(timeoutMs, () => req.destroy(new Error("timeout")));
      req.on("error", (err) => resolve({ status: 0, ms: performance.now() - t0, end: performance.now(), error: String(err.message) }));
      req.end(body);
    });
  // Open every connection while the server is idle: GET / answers at once (404) everywhere.
  await Promise.all(Array.from({ length: connections }, () => once("GET", "/")));
  const sockets = Object.values(agent.freeSockets).reduce((n, l) => n + l.length, 0);
  let k = 0;
  const lat = [];
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let last = 0;
  const start = performance.now();
  const deadline = start + durationS * 1000;
  const worker = async () => {
    while (performance.now() < deadline) {
      const r = await once("POST", path, bodies[k++ % bodies.length]);
      if (r.status >= 200 && r.status < 300) {
        ok++;
        lat.push(r.ms);
        last = Math.max(last, r.end);
      } else if (r.status === 0) errors++;
      else non2xx++;
    }
  };
  await Promise.all(Array.from({ length: connections }, worker));
  const wall = (performance.now() - start) / 1000;
  agent.destroy();
  lat.sort((a, b) => a - b);
  const q = (p) => (lat.length ? lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] : NaN);
  const busy = last > start ? (last - start) / 1000 : wall;
  return { rps: ok / busy, ok, non2xx, errors, p50: q(0.5), p99: q(0.99), max: lat.at(-1) ?? NaN, wallS: wall, preconnected: sockets };
}
