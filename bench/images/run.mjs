#!/usr/bin/env node
// Benchmark of the images issue's goals, with the built CLI against the local Docker engine,
// offline, in a temp workspace whose image prefix is unique to the run (removed at the end):
//   - serve image size                                          (goal ≤ 250 MB)
//   - cold build (--no-cache: mesh-base, mesh-serve, spam-serve)  (no goal; reported)
//   - rebuild with no change (skipped: content hash)              (reported)
//   - rebuild after a spec-only change (cached layers)            (goal ≤ 10 s)
//   - container start → /ready answers 200                        (goal ≤ 500 ms, median of ROUNDS),
//     phase by phase (bench/images/cold-start.mjs), beside the floor `docker run … node -e 0`
// Build times are wall times of the whole `mesh build` process. The model is a 4096→2 dense
// softmax written here with onnx-proto (the spam model's shape). Prints a table and writes
// bench/results/images.json. Never a pass/fail gate.
//
//   npm run build && node bench/images/run.mjs [--rounds N]
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import Docker from "dockerode";
import onnxProto from "onnx-proto";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const i = process.argv.indexOf("--rounds");
const ROUNDS = Math.max(3, i > 0 ? Number(process.argv[i + 1]) : 7);
if (!fs.existsSync(path.join(REPO, "dist/compiler/cli/main.js"))) {
  console.error("bench: the CLI is not built; run `npm run build` first");
  process.exit(2);
}
const { measureColdStart, printColdStart } = await import("./cold-start.mjs");

/** A private workspace: a copy of the built CLI (so a concurrent rebuild of dist/ cannot interfere), node_modules linked. */
function workspace(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-bench-images-"));
  for (const p of ["bin", "dist", "package.json"]) fs.cpSync(path.join(REPO, p), path.join(dir, p), { recursive: true });
  fs.symlinkSync(path.join(REPO, "node_modules"), path.join(dir, "node_modules"), "dir");
  fs.mkdirSync(path.join(dir, "projects/spam"), { recursive: true });
  fs.copyFileSync(path.join(REPO, "projects/spam/project.yaml"), path.join(dir, "projects/spam/project.yaml"));
  fs.writeFileSync(path.join(dir, "mesh.yaml"), `apiVersion: mesh/v1\nkind: Workspace\nimages:\n  prefix: ${prefix}\n`);
  return dir;
}

/** features[N,4096] → MatMul → Add → Softmax → probabilities[N,2], deterministic weights. */
function denseModel() {
  const { onnx } = onnxProto;
  const w = new Float32Array(4096 * 2).map((_, k) => Math.sin(k) / 64);
  const t = (name, dims, data) => ({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: new Uint8Array(data.buffer) });
  const io = (name, width) => ({ name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim: [{ dimParam: "N" }, { dimValue: width }] } } } });
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: "mesh-bench",
    opsetImport: [{ domain: "", version: 17 }],
    graph: {
      name: "dense",
      node: [
        { opType: "MatMul", input: ["features", "W"], output: ["mm"] },
        { opType: "Add", input: ["mm", "B"], output: ["z"] },
        { opType: "Softmax", input: ["z"], output: ["probabilities"], attribute: [{ name: "axis", type: onnx.AttributeProto.AttributeType.INT, i: -1 }] },
      ],
      initializer: [t("W", [4096, 2], w), t("B", [2], new Float32Array([0.1, -0.1]))],
      input: [io("features", 4096)],
      output: [io("probabilities", 2)],
    },
  });
  return onnx.ModelProto.encode(model).finish();
}

/** CPU seconds of waited-for children (cutime + cstime of /proc/self/stat; Linux, 100 Hz ticks). */
function childCpuS() {
  const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1].split(" ");
  return (Number(fields[13]) + Number(fields[14])) / 100;
}

/** Wall seconds of one `mesh` run, and its own CPU seconds (the engine's work is not in it). */
function timed(cwd, args) {
  const t0 = process.hrtime.bigint();
  const c0 = childCpuS();
  const r = spawnSync(process.execPath, [path.join(cwd, "bin/mesh.js"), ...args], { cwd, encoding: "utf8" });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`mesh ${args.join(" ")} failed (${r.status}): ${r.stderr}`);
  return { s, cpuS: childCpuS() - c0, stdout: r.stdout };
}

const docker = new Docker();
const prefix = `meshbench/r${Date.now().toString(36)}`;
const ws = workspace(prefix);
const model = path.join(ws, "model.onnx");
fs.writeFileSync(model, denseModel());
const build = ["build", "spam", "--step", "serve", "--model", model];
const results = {};
try {
  timed(ws, ["images", "bootstrap"]);
  results.loadAverageBefore = os.loadavg()[0];
  const cold = timed(ws, [...build, "--no-cache"]);
  results.coldBuildS = cold.s;
  const same = timed(ws, build);
  results.noChangeRebuildS = same.s;
  results.noChangeRebuildCpuS = same.cpuS;
  const spec = path.join(ws, "projects/spam/project.yaml");
  fs.writeFileSync(spec, fs.readFileSync(spec, "utf8").replace(/^description: .*$/m, "description: Flags unsolicited e-mail (bench edit)."));
  const edited = timed(ws, build);
  if (!/built/.test(edited.stdout)) throw new Error("the spec edit did not rebuild the image");
  results.specChangeRebuildS = edited.s;
  results.specChangeRebuildCpuS = edited.cpuS;
  const image = `${prefix}/spam-serve:latest`;
  results.imageMb = Math.round(((await docker.getImage(image).inspect()).Size / 1e6) * 10) / 10;
  // Phase by phase, with the floor (docker run … node -e 0) measured in the same rounds.
  const start = await measureColdStart(docker, image, { rounds: ROUNDS, readyPath: "/spam/v1/ready" });
  results.coldStart = start;
  results.startToReadyMsMedian = start.medianMs.total;
  results.processStartToReadyMsMedian = start.medianMs.inImage;
  results.floorMs = start.floorMs;
  results.loadAverageAfter = os.loadavg()[0];
} catch (err) {
  console.error(`bench: ${err.message}`);
  process.exitCode = 1;
} finally {
  // Containers of the run's images, everything with the run's prefix, then the untagged
  // stage images that inherit it.
  for (const c of await docker.listContainers({ all: true }))
    if (c.Image.startsWith(prefix))
      await docker
        .getContainer(c.Id)
        .remove({ force: true })
        .catch(() => undefined);
  for (let pass = 0; pass < 3; pass++) {
    for (const img of await docker.listImages())
      for (const tag of img.RepoTags ?? [])
        if (tag.startsWith(prefix))
          await docker
            .getImage(tag)
            .remove({ force: true })
            .catch(() => undefined);
    for (const img of await docker.listImages({ filters: JSON.stringify({ dangling: ["true"] }) })) {
      if ((img.Labels?.["org.opencontainers.image.base.name"] ?? "").startsWith(prefix))
        await docker
          .getImage(img.Id)
          .remove({ force: true })
          .catch(() => undefined);
    }
  }
  fs.rmSync(ws, { recursive: true, force: true });
}

const rows = [
  ["serve image size", `${results.imageMb} MB`, "≤ 250 MB"],
  ["cold build (--no-cache, core + serve)", `${results.coldBuildS.toFixed(1)} s`, "—"],
  ["rebuild, no change (skipped)", `${results.noChangeRebuildS.toFixed(1)} s`, `— (mesh CPU ${results.noChangeRebuildCpuS.toFixed(1)} s)`],
  ["rebuild after a spec-only change", `${results.specChangeRebuildS.toFixed(1)} s`, `≤ 10 s (mesh CPU ${results.specChangeRebuildCpuS.toFixed(1)} s)`],
  [`container start → ready (median of ${ROUNDS})`, `${results.processStartToReadyMsMedian} ms`, "≤ 500 ms"],
  [`docker create → ready (median of ${ROUNDS})`, `${results.startToReadyMsMedian} ms`, `— (floor: docker run node -e 0 ${results.floorMs} ms)`],
];
for (const [what, value, goal] of rows) console.log(`${what.padEnd(44)} ${value.padStart(10)}   goal ${goal}`);
if (results.coldStart) printColdStart(results.coldStart);
console.log(`(${os.cpus().length} cores, 1-min load average ${results.loadAverageBefore.toFixed(1)} before, ${results.loadAverageAfter.toFixed(1)} after: wall times scale with load)`);
fs.mkdirSync(path.join(REPO, "bench/results"), { recursive: true });
const out = { when: new Date().toISOString(), node: process.version, cpus: os.cpus().length, docker: (await docker.version()).Version, command: "node bench/images/run.mjs", ...results };
fs.writeFileSync(path.join(REPO, "bench/results/images.json"), `${JSON.stringify(out, null, 2)}\n`);
