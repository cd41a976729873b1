#!/usr/bin/env node
// Lifecycle wall times for the example projects (spam: 6,046 e-mails, hashed n-grams +
// logistic regression; iris: 150 rows, MLP): ingest and register once, then train and
// compile ROUNDS times each (forced, so every round really trains and compiles), into a
// file registry in a temp folder. Prints medians (min–max) and writes
// bench/results/lifecycle.json. The configs come from the real specs through the same
// IR → config mapping `mesh run` uses. Timings depend on the machine and its load; read
// them side by side, never as a gate.
//
//   npm run build && node bench/lifecycle/run.mjs [--rounds N] [--projects spam,iris]
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const ROUNDS = Math.max(3, Number(arg("--rounds", 3)));
const PROJECTS = arg("--projects", "spam,iris").split(",");
const dist = (p) => pathToFileURL(path.join(REPO, "dist", p)).href;

if (!fs.existsSync(path.join(REPO, "dist/runtimes/lifecycle/index.js"))) {
  console.error("bench: not built; run `npm run build` first");
  process.exit(2);
}
const [{ nodeHost }, { compileProject }, { lifecycleConfig }, { ingest }, { register }, { train }, { compileTarget }, { openRegistry }] = await Promise.all([
  import(dist("compiler/host.js")),
  import(dist("compiler/pipeline.js")),
  import(dist("compiler/cli/commands/run.js")),
  import(dist("runtimes/ingest/index.js")),
  import(dist("runtimes/register/index.js")),
  import(dist("runtimes/train/index.js")),
  import(dist("runtimes/compile/index.js")),
  import(dist("runtimes/registry/index.js")),
]);

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
// Wall time and process CPU time (user + system, all threads): on a shared, loaded machine
// the CPU figure is the steadier one.
const time = async (fn) => {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const value = await fn();
  const c = process.cpuUsage(c0);
  return { ms: performance.now() - t0, cpuMs: (c.user + c.system) / 1000, value };
};
const quiet = () => {};

const results = [];
for (const name of PROJECTS) {
  const compiled = await compileProject(nodeHost(REPO), name);
  if (!compiled.value) throw new Error(`bench: project ${name} does not compile`);
  const cfg = lifecycleConfig(compiled.value);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `mesh-bench-${name}-`));
  try {
    const registry = openRegistry(`file://${path.join(tmp, "registry")}`);
    const ctx = { project: cfg.project, key: cfg.key, specHash: cfg.specHash, toolVersion: cfg.toolVersion, registry, log: quiet };
    const ing = await time(() => ingest(cfg.ingest, { root: REPO, log: quiet }, { project: cfg.project, registry }));
    const reg = await time(() => register(cfg.register, { project: cfg.project, registry, log: quiet }, ing.value));
    const trainMs = [];
    const compileMs = [];
    const trainCpu = [];
    const compileCpu = [];
    let accuracy = 0;
    const target = cfg.compile.targets.find((t) => t.kind === "onnx");
    for (let r = 0; r < ROUNDS; r++) {
      const t = await time(() => train(cfg.train, cfg.model, ctx, reg.value, { force: true }));
      trainMs.push(t.ms);
      trainCpu.push(t.cpuMs);
      accuracy = t.value.card.metrics.accuracy;
      const c = await time(() => compileTarget(cfg.compile, target, ctx, t.value, { force: true }));
      compileMs.push(c.ms);
      compileCpu.push(c.cpuMs);
    }
    results.push({
      project: name,
      rows: reg.value.card.rows,
      trainer: cfg.train.trainer,
      accuracy,
      ingestMs: ing.ms,
      registerMs: reg.ms,
      trainMs: { median: median(trainMs), min: Math.min(...trainMs), max: Math.max(...trainMs) },
      compileMs: { median: median(compileMs), min: Math.min(...compileMs), max: Math.max(...compileMs) },
      trainCpuMs: median(trainCpu),
      compileCpuMs: median(compileCpu),
    });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

const f = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const rng = (x) => `${f(x.median)} (${f(x.min)}–${f(x.max)})`;
const rows = [
  ["project", "rows", "trainer", "accuracy", "ingest", "register", `train wall median (min–max), ${ROUNDS} rounds`, "train CPU", `compile wall median (min–max)`, "compile CPU"],
  ...results.map((r) => [r.project, String(r.rows), r.trainer, r.accuracy.toFixed(4), f(r.ingestMs), f(r.registerMs), rng(r.trainMs), f(r.trainCpuMs), rng(r.compileMs), f(r.compileCpuMs)]),
];
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const r of rows)
  console.log(
    r
      .map((v, c) => v.padEnd(widths[c]))
      .join("  ")
      .trimEnd(),
  );
console.log(
  `\nnode ${process.version}, ${os.cpus().length} CPU(s), load average ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(" ")}`,
);
fs.mkdirSync(path.join(REPO, "bench/results"), { recursive: true });
fs.writeFileSync(path.join(REPO, "bench/results/lifecycle.json"), `${JSON.stringify({ rounds: ROUNDS, node: process.version, cpus: os.cpus().length, loadavg: os.loadavg(), results }, null, 2)}\n`);
