// `mesh dev` reload time: save a spec-only change of the spam project → the new version
// answering through the dev port (its /bio shows the new spec hash). Median of several
// reloads on a workspace copy under .bench-tmp/ (inside the repo, so the generated server
// resolves the `mesh` package); the model is a dense 4096→2 ONNX file written with the
// Python `onnx` package (Debian's python3), served with --model so no training is needed.
// Two sessions take turns (one with the warm spare, one cold-starting each server), so the
// ratio is measured under the same load. Needs `npm run build`. Run: node bench/dev/reload.mjs [reloads=7]
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { dirname, join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { loadavg } from "node:os";

const ROOT = resolve(import.meta.dirname, "../..");
const WS = join(ROOT, ".bench-tmp", `dev-${process.pid}`);
const N = Number(process.argv[2] ?? 7);
const { runDev } = await import(join(ROOT, "dist/compiler/dev/dev-session.js"));

mkdirSync(WS, { recursive: true });
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
/** One mesh dev session: `spare` false cold-starts every reload's server (the way before the warm spare). */
async function session(spare) {
  // Its own workspace: a save reloads only this session, and each has its own out/.
  const ws = join(WS, spare ? "warm" : "cold");
  const spec = join(ws, "projects/spam/project.yaml");
  mkdirSync(dirname(spec), { recursive: true });
  // The registry folder exists, so its watch stays inside this workspace.
  mkdirSync(join(ws, ".mesh/registry"), { recursive: true });
  copyFileSync(join(ROOT, "projects/spam/project.yaml"), spec);
  const err = new PassThrough();
  const out = new PassThrough();
  out.resume();
  let messages = "";
  err.on("data", (c) => (messages += c));
  const abort = new AbortController();
  const done = runDev({ root: ws, cwd: ws, name: "spam", port: 0, model, err, out, signal: abort.signal, spare });
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
  let reloads = 0;
  return {
    /** Saves a spec-only change and returns the ms until the new version answers. */
    async reload(i) {
      const before = await specHash();
      const t0 = performance.now();
      writeFileSync(spec, original.replace(/port: 8000/, `port: ${8100 + i}`));
      while ((await specHash()) === before) await new Promise((r) => setTimeout(r, 5));
      const ms = performance.now() - t0;
      await wait(new RegExp(`(reloaded in[^]*){${++reloads}}`));
      // Let the spare (started after the swap) get ready, as it does between a person's saves.
      await new Promise((r) => setTimeout(r, 1500));
      return ms;
    },
    lines: () => messages.split("\n").filter((l) => l.includes("reloaded")),
    async stop() {
      abort.abort();
      await done;
    },
  };
}

const original = readFileSync(join(ROOT, "projects/spam/project.yaml"), "utf8");
const modes = { warm: [], cold: [] };
const lines = {};
// Side by side: the sessions take turns, so both see the same load.
const sessions = { warm: await session(true), cold: await session(false) };
for (let i = 1; i <= N; i++) {
  for (const mode of i % 2 ? ["warm", "cold"] : ["cold", "warm"]) modes[mode].push(await sessions[mode].reload(i * 2 + (mode === "warm" ? 0 : 1)));
}
for (const [mode, s] of Object.entries(sessions)) {
  lines[mode] = s.lines();
  await s.stop();
}
rmSync(WS, { recursive: true, force: true });
const stats = (times) => {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted.at(-1) };
};
console.log(`mesh dev reload, spam spec-only change, save → new version answering (${N} reloads each, taking turns, load average ${loadavg()[0].toFixed(2)}):`);
for (const mode of ["warm", "cold"]) {
  const st = stats(modes[mode]);
  console.log(
    `  ${mode === "warm" ? "warm spare (default)" : "cold start (spare: false)"}: median ${st.median.toFixed(0)} ms · min ${st.min.toFixed(0)} · max ${st.max.toFixed(0)} · each ${modes[mode].map((t) => t.toFixed(0)).join(", ")}`,
  );
  console.log(`    e.g. ${lines[mode][0]}`);
}
console.log(`  ratio cold / warm (median): ${(stats(modes.cold).median / stats(modes.warm).median).toFixed(2)}`);
