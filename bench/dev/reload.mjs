// `mesh dev` reload time: save a spec-only change of the spam project → the new version
// answering through the dev port (its /bio shows the new spec hash). Median of several
// reloads on a workspace copy under .bench-tmp/ (inside the repo, so the generated server
// resolves the `mesh` package); the model is a dense 4096→2 ONNX file written with the
// Python `onnx` package (Debian's python3), served with --model so no training is needed.
// Needs `npm run build`. Run: node bench/dev/reload.mjs [reloads=7]
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { loadavg } from "node:os";

const ROOT = resolve(import.meta.dirname, "../..");
const WS = join(ROOT, ".bench-tmp", `dev-${process.pid}`);
const N = Number(process.argv[2] ?? 7);
const { runDev } = await import(join(ROOT, "dist/compiler/dev/dev-session.js"));

mkdirSync(join(WS, "projects/spam"), { recursive: true });
const spec = join(WS, "projects/spam/project.yaml");
copyFileSync(join(ROOT, "projects/spam/project.yaml"), spec);
const model = join(WS, "spam.onnx");
execFileSync("/usr/bin/python3", [
  "-c",
  `
import numpy as np, onnx
from onnx import helper, numpy_helper, TensorProto as T
rng = np.random.default_rng(1)
w = numpy_helper.from_array(rng.normal(0, 0.05, (4096, 2)).astype(np.float32), "w")
g = helper.make_graph([helper.make_node("MatMul", ["features", "w"], ["z"]), helper.make_node("Softmax", ["z"], ["probabilities"], axis=1)], "spam",
  [helper.make_tensor_value_info("features", T.FLOAT, ["n", 4096])], [helper.make_tensor_value_info("probabilities", T.FLOAT, ["n", 2])], [w])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 17)]), ${JSON.stringify(model)})
`,
]);

const get = (url) =>
  new Promise((res, rej) => {
    const req = request(url, { agent: false }, (r) => {
      let t = "";
      r.on("data", (c) => (t += c));
      r.on("end", () => res({ status: r.statusCode, body: t }));
    });
    req.on("error", rej);
    req.end();
  });
const err = new PassThrough();
const out = new PassThrough();
out.resume();
let messages = "";
err.on("data", (c) => (messages += c));
const abort = new AbortController();
const done = runDev({ root: WS, cwd: WS, name: "spam", port: 0, model, err, out, signal: abort.signal });
const wait = async (re) => {
  for (let i = 0; i < 6000; i++) {
    const m = re.exec(messages);
    if (m) return m;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no ${re} in:\n${messages}`);
};
const url = (await wait(/at (http:\/\/127\.0\.0\.1:\d+)\//))[1];
const specHash = async () => JSON.parse((await get(`${url}/spam/v1/bio`)).body).specHash;

const original = readFileSync(spec, "utf8");
const times = [];
for (let i = 1; i <= N; i++) {
  const before = await specHash();
  const t0 = performance.now();
  writeFileSync(spec, original.replace(/port: 8000/, `port: ${8100 + i}`));
  while ((await specHash()) === before) await new Promise((r) => setTimeout(r, 5));
  times.push(performance.now() - t0);
  await wait(new RegExp(`(reloaded in[^]*){${i}}`));
}
abort.abort();
await done;
rmSync(WS, { recursive: true, force: true });
const sorted = [...times].sort((a, b) => a - b);
const median = sorted[Math.floor(sorted.length / 2)];
console.log(`mesh dev reload, spam spec-only change, save → new version answering (${N} reloads, load average ${loadavg()[0].toFixed(2)}):`);
console.log(`  median ${median.toFixed(0)} ms · min ${sorted[0].toFixed(0)} ms · max ${sorted.at(-1).toFixed(0)} ms`);
console.log(`  each: ${times.map((t) => t.toFixed(0)).join(", ")} ms`);
console.log(
  `  reload lines: ${messages
    .split("\n")
    .filter((l) => l.includes("reloaded"))
    .slice(0, 2)
    .join(" | ")}`,
);
