#!/usr/bin/env node
// Benchmark of `mesh generate` (issue 2's goals): in temp workspaces holding 100 synthetic
// valid specs (renamed copies of the spam, iris and colors examples), measure with the built CLI
//   - cold `mesh generate` of all 100 into a new workspace     (goal ≤ 2 s)
//   - no-op regenerate, nothing changed                        (goal ≤ 0.3 s, issue 12)
//   - `mesh --help`                                              (goal ≤ 150 ms)
//   - the no-op again with --no-cache (every generator runs: what the cache saves)
//   - the same files and folders written by plain node:fs calls (write-floor.mjs): the floor
//     under a cold run, which on this machine's file system varies by ±0.5 s from run to run
//   - cold again right after `rm -rf out/ .mesh/`
// beside `node -e 0` (the floor any Node CLI pays), as medians over ROUNDS rounds, each a fresh
// process; wall time and the children's CPU time, user and system apart (user is what mesh
// controls; system time of a cold run is mostly the kernel creating ~6,000 files).
// Prints a table and writes bench/results/generate.json. Never a pass/fail gate.
//
//   npm run build && node bench/generate/run.mjs [--rounds N] [--specs N] [--against DIR]
//
// --against DIR: also measure the built CLI of another checkout (e.g. main, built there), in the
// same rounds, alternating with this one, so the two are compared under the same machine load.
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const ROUNDS = Math.max(3, arg("--rounds", 3));
const SPECS = arg("--specs", 100);
const againstAt = process.argv.indexOf("--against");
const AGAINST = againstAt > 0 ? path.resolve(process.argv[againstAt + 1]) : undefined;

for (const repo of [REPO, ...(AGAINST ? [AGAINST] : [])]) {
  if (!fs.existsSync(path.join(repo, "dist/compiler/cli/main.js"))) {
    console.error(`bench: the CLI in ${repo} is not built; run \`npm run build\` there first`);
    process.exit(2);
  }
}

/**
 * A private copy of the built CLI (bin/, dist/, package.json; node_modules linked), so a
 * rebuild of dist/ while the bench runs cannot change the code between two measured runs.
 */
function snapshotCli(repo) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-bench-cli-"));
  for (const p of ["bin", "dist", "package.json"]) fs.cpSync(path.join(repo, p), path.join(dir, p), { recursive: true });
  fs.symlinkSync(path.join(repo, "node_modules"), path.join(dir, "node_modules"), "dir");
  return dir;
}

/** Writes SPECS renamed copies of the examples into a fresh workspace; returns its path. */
function makeWorkspace() {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-bench-generate-"));
  const templates = ["spam", "iris", "colors"].map((name) => ({
    name,
    text: fs.readFileSync(path.join(REPO, "projects", name, "project.yaml"), "utf8"),
    dir: path.join(REPO, "projects", name),
  }));
  for (let i = 0; i < SPECS; i++) {
    const t = templates[i % templates.length];
    const name = `${t.name}-${String(i).padStart(3, "0")}`;
    const dir = path.join(ws, "projects", name);
    fs.mkdirSync(dir, { recursive: true });
    const text = t.text.replace(new RegExp(`^name: ${t.name}$`, "m"), `name: ${name}`).replace(new RegExp(`^key: ${t.name.toUpperCase()}$`, "m"), `key: ${name.toUpperCase().replace(/-/g, "_")}`);
    fs.writeFileSync(path.join(dir, "project.yaml"), text);
    // An App's model file lives beside its spec; copy whatever the example keeps there.
    for (const f of fs.readdirSync(t.dir)) if (f.endsWith(".onnx")) fs.copyFileSync(path.join(t.dir, f), path.join(dir, f));
  }
  return ws;
}

/**
 * CPU milliseconds of this process's finished children, user and system apart; Linux only,
 * else NaN. System time is mostly the kernel creating files: on this machine's ext4 it grows
 * with how many files were deleted just before (rm -rf out/ between rounds), whatever mesh does.
 */
function childrenCpuMs() {
  try {
    // /proc/self/stat: fields after the ")" of the command name; cutime and cstime are 16 and 17.
    const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
    return { user: (Number(fields[13]) * 1000) / 100, sys: (Number(fields[14]) * 1000) / 100 };
  } catch {
    return { user: Number.NaN, sys: Number.NaN };
  }
}

/** Runs a command in `cwd`, returns wall and CPU milliseconds; exits the bench if it fails. */
function timed(args, cwd) {
  const cpu0 = childrenCpuMs();
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  const cpu1 = childrenCpuMs();
  const user = cpu1.user - cpu0.user;
  const sys = cpu1.sys - cpu0.sys;
  if (r.status !== 0) {
    console.error(`bench: \`node ${args.join(" ")}\` exited ${r.status}\n${r.stderr.slice(0, 4000)}`);
    process.exit(1);
  }
  return { ms, cpu: user + sys, user, sys, stdout: r.stdout };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const clis = [{ label: "", repo: REPO }, ...(AGAINST ? [{ label: `${path.basename(AGAINST)}: `, repo: AGAINST }] : [])].map((c) => ({ ...c, dir: snapshotCli(c.repo) }));
const KEYS = ["node", "help", "cold", "writeFloor", "noop", "noopNoCache", "coldAfterDelete"];
const perKey = () => Object.fromEntries(KEYS.map((k) => [k, []]));
const runs = clis.map(() => ({ samples: perKey(), cpu: perKey(), user: perKey(), sys: perKey() }));
let files = 0;

const removeAll = (ws) => {
  fs.rmSync(path.join(ws, "out"), { recursive: true, force: true });
  fs.rmSync(path.join(ws, ".mesh"), { recursive: true, force: true });
};
const made = [];
// The tree the floor writes: what mesh generates for these specs, made once before measuring.
const template = makeWorkspace();
made.push(template);
timed([path.join(clis[0].dir, "bin/mesh.js"), "generate"], template);
try {
  for (let round = 0; round < ROUNDS; round++) {
    // One fresh workspace per CLI and round, so each measure can run for both back to back (the
    // cache and out/ of one never meet the other's fingerprint).
    const wss = clis.map(() => makeWorkspace());
    made.push(...wss);
    // Each step runs for every CLI before the next step, in alternating order per round, so
    // the CLIs compared meet the same moment of machine load.
    const order = clis.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    const each = (fn) => {
      for (const i of order)
        fn(i, path.join(clis[i].dir, "bin/mesh.js"), wss[i], (k, t) => (runs[i].samples[k].push(t.ms), runs[i].cpu[k].push(t.cpu), runs[i].user[k].push(t.user), runs[i].sys[k].push(t.sys), t));
    };
    each((_, __, ws, record) => record("node", timed(["-e", "0"], ws)));
    each((_, MESH, ws, record) => record("help", timed([MESH, "--help"], ws)));
    const cold = () =>
      each((i, MESH, ws, record) => {
        const run = record("cold", timed([MESH, "generate"], ws));
        if (i === 0) files = run.stdout.split("\n").reduce((n, l) => n + Number(/: (\d+) created/.exec(l)?.[1] ?? 0), 0);
      });
    // The kernel's part of a cold run: the same tree written with plain node:fs calls into a
    // folder of its own that is as new as the workspace. The first writes into fresh space on
    // this file system cost far more than later ones, so the two take turns going first.
    const floor = () =>
      each((_, __, ws, record) => {
        const target = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-bench-floor-"));
        made.push(target);
        const r = JSON.parse(timed([path.join(REPO, "bench/generate/write-floor.mjs"), path.join(template, "out"), path.join(target, "out")], ws).stdout);
        record("writeFloor", { ms: r.ms, cpu: r.user + r.sys, user: r.user, sys: r.sys });
      });
    if (round % 2 === 0) {
      floor();
      cold();
    } else {
      cold();
      floor();
    }
    each((_, MESH, ws, record) => {
      const noop = timed([MESH, "generate"], ws);
      if (/ [1-9]\d* (created|updated|deleted)/.test(noop.stdout)) {
        console.error(`bench: the second run changed files (not deterministic?):\n${noop.stdout.slice(0, 2000)}`);
        process.exit(1);
      }
      record("noop", noop);
    });
    each((_, MESH, ws, record) => record("noopNoCache", timed([MESH, "generate", "--no-cache"], ws)));
    each((_, MESH, ws, record) => {
      removeAll(ws);
      record("coldAfterDelete", timed([MESH, "generate"], ws));
    });
  }
} finally {
  for (const ws of made) fs.rmSync(ws, { recursive: true, force: true });
  for (const c of clis) fs.rmSync(c.dir, { recursive: true, force: true });
}

const rows = [
  ["node -e 0 (floor)", "node", undefined],
  ["mesh --help", "help", 150],
  [`mesh generate, cold (${SPECS} specs, ${files} files)`, "cold", 2000],
  ["  node:fs writing the same files and folders into a new folder (the floor under cold)", "writeFloor", undefined],
  [`mesh generate, no-op (${SPECS} specs, cache)`, "noop", 300],
  [`mesh generate --no-cache, no-op (${SPECS} specs)`, "noopNoCache", undefined],
  ["mesh generate, cold right after deleting out/ and .mesh/", "coldAfterDelete", undefined],
];
const load = os.loadavg()[0].toFixed(1);
console.log(`mesh generate benchmark — ${ROUNDS} rounds, medians, node ${process.version}, ${os.cpus().length} cpus, load ${load}`);
console.log(`| measure | wall ms (median) | min | max | CPU ms (median) | user / sys ms (medians) | wall × node floor | goal ms | within goal |${AGAINST ? " wall × other | user × other |" : ""}`);
console.log(`| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |${AGAINST ? " ---: | ---: |" : ""}`);
for (const [label, k, goal] of rows) {
  for (const [i, c] of clis.entries()) {
    const xs = runs[i].samples[k];
    const m = median(xs);
    const floor = median(runs[i].samples.node);
    const ok = goal === undefined ? "" : m <= goal ? "yes" : "NO";
    const user = median(runs[i].user[k]);
    const ratio = AGAINST ? ` ${(m / median(runs[1 - i].samples[k])).toFixed(2)} | ${(user / median(runs[1 - i].user[k])).toFixed(2)} |` : "";
    console.log(
      `| ${c.label}${label} | ${m.toFixed(0)} | ${Math.min(...xs).toFixed(0)} | ${Math.max(...xs).toFixed(0)} | ${median(runs[i].cpu[k]).toFixed(0)} | ${user.toFixed(0)} / ${median(runs[i].sys[k]).toFixed(0)} | ${(m / floor).toFixed(1)} | ${goal ?? ""} | ${ok} |${ratio}`,
    );
  }
}
const { samples, cpu, user, sys } = runs[0];
const resultsDir = path.join(REPO, "bench/results");
fs.mkdirSync(resultsDir, { recursive: true });
fs.writeFileSync(
  path.join(resultsDir, "generate.json"),
  `${JSON.stringify({ rounds: ROUNDS, specs: SPECS, files, ...(AGAINST ? { against: AGAINST, againstSamples: runs[1].samples, againstCpu: runs[1].cpu, againstUser: runs[1].user, againstSys: runs[1].sys } : {}), node: process.version, loadavg: os.loadavg(), samples, cpu, user, sys, medians: Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)])) }, null, 2)}\n`,
);
