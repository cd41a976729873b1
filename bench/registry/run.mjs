#!/usr/bin/env node
// Registry throughput, file vs S3 (s3rver on 127.0.0.1, its own process): for artifacts of
// 1 KiB (fixed cost: claim + card), 1 MiB and 64 MiB, time
//   - publish  = publishModel with a { localPath } source (streamed, hashed, multipart on S3)
//   - download = downloadModel to a fresh folder (streamed, sha256-verified, renamed into place)
// as medians over ROUNDS rounds. Prints a table and writes bench/results/registry.json.
// Numbers depend on the machine and on s3rver (a Node test server, not AWS); read file vs S3
// side by side, never as a gate.
//
//   npm run build && node bench/registry/run.mjs [--rounds N]
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath, pathToFileURL } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const ENTRY = path.join(REPO, "dist/runtimes/registry/index.js");
const i = process.argv.indexOf("--rounds");
const ROUNDS = Math.max(3, i > 0 ? Number(process.argv[i + 1]) : 3);
const SIZES = [
  ["1 KiB", 1024],
  ["1 MiB", 1024 * 1024],
  ["64 MiB", 64 * 1024 * 1024],
];

if (!fs.existsSync(ENTRY)) {
  console.error("bench: the registry is not built; run `npm run build` first");
  process.exit(2);
}
const { openRegistry } = await import(pathToFileURL(ENTRY).href);

/** s3rver in a child process on a free loopback port; resolves { endpoint, stop }. */
async function startS3rver(dir) {
  const script = `
    const S3rver = require(${JSON.stringify(path.join(REPO, "node_modules/s3rver"))});
    new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: ${JSON.stringify(dir)}, configureBuckets: [{ name: "bench" }] })
      .run().then((a) => console.log("listening " + a.port));
    process.stdin.on("end", () => process.exit(0)); process.stdin.resume();`;
  const child = spawn(process.execPath, ["-e", script], { stdio: ["pipe", "pipe", "inherit"] });
  const port = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (l) => l.startsWith("listening ") && resolve(Number(l.slice(10))));
    child.once("exit", (c) => reject(new Error(`s3rver exited ${c}`)));
  });
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stop: () => new Promise((resolve) => (child.once("exit", resolve), process.kill(child.pid, "SIGTERM"))),
  };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const card = { type: "trained", project: "bench", specHash: "h", params: {}, metrics: {}, toolVersion: "bench" };

async function measure(reg, file, size, tmp) {
  const up = [];
  const down = [];
  for (let r = 0; r < ROUNDS; r++) {
    let t = performance.now();
    const ref = await reg.publishModel("bench", "BENCH", "TRAINED", { "model.onnx": { localPath: file } }, card);
    up.push(performance.now() - t);
    const out = fs.mkdtempSync(path.join(tmp, "dl-"));
    t = performance.now();
    await reg.downloadModel(ref, out);
    down.push(performance.now() - t);
    if (fs.statSync(path.join(out, "model.onnx")).size !== size) throw new Error("download size mismatch");
    fs.rmSync(out, { recursive: true, force: true });
  }
  return { publishMs: median(up), downloadMs: median(down) };
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-bench-registry-"));
const s3dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-bench-s3rver-"));
const server = await startS3rver(s3dir);
const results = [];
try {
  const backends = [
    ["file", openRegistry(`file://${path.join(tmp, "registry")}`)],
    [
      "s3 (s3rver)",
      openRegistry("s3://bench/registry", {
        env: { AWS_ENDPOINT_URL_S3: server.endpoint, AWS_REGION: "us-east-1", AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" },
      }),
    ],
  ];
  for (const [label, size] of SIZES) {
    const file = path.join(tmp, `artifact-${size}`);
    fs.writeFileSync(file, randomBytes(size));
    for (const [backend, reg] of backends) {
      const m = await measure(reg, file, size, tmp);
      const mbps = (ms) => (size / 1024 / 1024 / (ms / 1000)).toFixed(1);
      results.push({ backend, size: label, bytes: size, rounds: ROUNDS, ...m, publishMiBps: Number(mbps(m.publishMs)), downloadMiBps: Number(mbps(m.downloadMs)) });
    }
  }
} finally {
  await server.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(s3dir, { recursive: true, force: true });
}

const rows = [["backend", "size", "publish ms", "publish MiB/s", "download ms", "download MiB/s"]];
for (const r of results) rows.push([r.backend, r.size, r.publishMs.toFixed(1), String(r.publishMiBps), r.downloadMs.toFixed(1), String(r.downloadMiBps)]);
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
console.log(`registry throughput, median of ${ROUNDS} rounds (node ${process.version}, ${os.cpus().length} cpus)`);
for (const r of rows) console.log(r.map((c, k) => (k < 2 ? c.padEnd(widths[k]) : c.padStart(widths[k]))).join("  "));
fs.mkdirSync(path.join(REPO, "bench/results"), { recursive: true });
fs.writeFileSync(path.join(REPO, "bench/results/registry.json"), `${JSON.stringify({ rounds: ROUNDS, results }, null, 2)}\n`);
