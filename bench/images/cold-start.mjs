#!/usr/bin/env node
// Cold start of a serve image, phase by phase (median of N rounds, side by side with the floor):
//   create     docker create returned              (engine)
//   start      docker start returned               (engine: namespaces, network, exec)
//   boot       container StartedAt → main.js runs  (Node's start + loading every module)
//   listen     main → listening
//   session    listening → onnxruntime session created (model loaded)
//   warm-up    session → warm-up inference answered
//   ready-log  warm-up → the "ready" log line
//   detect     "ready" logged → the prober saw /ready answer 200 (polling)
//   total      docker create → /ready 200
// plus the floor: `docker run --rm --network none <image> node -e 0` (engine + Node, no work).
// The phases come from the server's own "ready" log line (runtimes/serve/startup.ts).
//
//   node bench/images/cold-start.mjs --image IMAGE [--against OTHER] [--rounds N] [--path /spam/v1/ready]
// --against measures a second image in alternating rounds (same load, side by side).
// bench/images/run.mjs builds an image and calls measureColdStart on it.
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const median = (xs) => (xs.length === 0 ? NaN : [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]);

/** One `docker run --rm --network none IMAGE node -e 0`, wall milliseconds. */
function floorOnce(image) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync("docker", ["run", "--rm", "--network", "none", "--entrypoint", "node", image, "-e", "0"], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`docker run ${image} node -e 0 failed: ${r.stderr}`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export async function measureColdStart(docker, image, { rounds = 7, readyPath = "/spam/v1/ready" } = {}) {
  const { runServeContainer, waitReady } = await import(path.join(REPO, "dist/compiler/images/run-container.js"));
  const rows = [];
  const floor = [];
  for (let r = 0; r < rounds; r++) {
    floor.push(floorOnce(image));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const t0 = Date.now();
    const c = await runServeContainer(docker, image, port);
    const started = Date.now();
    try {
      await waitReady(`http://127.0.0.1:${port}${readyPath}`, 30_000);
      const seen = Date.now();
      const info = await docker.getContainer(c.id).inspect();
      const startedAt = Date.parse(info.State.StartedAt);
      const line = (await c.logs()).split("\n").find((l) => l.includes('"msg":"ready"'));
      const ready = line ? JSON.parse(line) : undefined;
      const m = ready?.startupMs ?? {};
      const loggedAt = ready ? Date.parse(ready.time) : NaN;
      rows.push({
        total: seen - t0,
        engine: startedAt - t0,
        start: started - t0,
        boot: m.main,
        listen: m.listening - m.main,
        session: m.session - m.listening,
        warmup: m.warm - m.session,
        readyLog: m.ready - m.warm,
        inImage: loggedAt - startedAt,
        detect: seen - loggedAt,
      });
    } finally {
      await c.stop(20_000).catch(() => undefined);
      await c.remove();
    }
  }
  const keys = ["total", "engine", "start", "boot", "listen", "session", "warmup", "readyLog", "inImage", "detect"];
  const med = Object.fromEntries(keys.map((k) => [k, Math.round(median(rows.map((x) => x[k]).filter((v) => Number.isFinite(v))))]));
  return { rounds, floorMs: Math.round(median(floor)), medianMs: med, all: rows };
}

export function printColdStart(res) {
  const m = res.medianMs;
  const line = (what, v, note = "") => console.log(`  ${what.padEnd(42)} ${`${v} ms`.padStart(9)}  ${note}`);
  console.log(`cold start, median of ${res.rounds} (docker create → /ready 200): ${m.total} ms   goal ≤ 500 ms`);
  line("engine: create + start (→ StartedAt)", m.engine);
  line("boot: Node start + module loading (→ main)", m.boot);
  line("main → listening", m.listen);
  line("listening → session created (model loaded)", m.session);
  line("session → warm-up answered", m.warmup);
  line("warm-up → ready logged", m.readyLog);
  line("ready logged → prober saw 200", m.detect, "(polling)");
  line("floor: docker run --network none node -e 0", res.floorMs, "(engine + Node, same image)");
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (name, d) => {
    const i = process.argv.indexOf(name);
    return i > 0 ? process.argv[i + 1] : d;
  };
  const image = arg("--image");
  if (!image) {
    console.error("usage: node bench/images/cold-start.mjs --image IMAGE [--rounds N] [--path /NAME/v1/ready]");
    process.exit(2);
  }
  const { default: Docker } = await import("dockerode");
  const docker = new Docker();
  const rounds = Number(arg("--rounds", "7"));
  const readyPath = arg("--path", "/spam/v1/ready");
  const against = arg("--against");
  if (!against) {
    const res = await measureColdStart(docker, image, { rounds, readyPath });
    printColdStart(res);
    console.log(JSON.stringify(res.medianMs));
  } else {
    // One round of each per turn, the order swapped every turn, so load drifts hit both alike.
    const runs = { [image]: [], [against]: [] };
    for (let r = 0; r < rounds; r++) {
      for (const img of r % 2 ? [against, image] : [image, against]) runs[img].push(await measureColdStart(docker, img, { rounds: 1, readyPath }));
    }
    for (const img of [against, image]) {
      const all = runs[img].flatMap((x) => x.all);
      const keys = Object.keys(all[0]);
      const medianMs = Object.fromEntries(keys.map((k) => [k, Math.round(median(all.map((x) => x[k]).filter((v) => Number.isFinite(v))))]));
      console.log(`== ${img}`);
      printColdStart({ rounds, floorMs: Math.round(median(runs[img].map((x) => x.floorMs))), medianMs, all });
      console.log(JSON.stringify(medianMs));
    }
  }
}
