#!/usr/bin/env node
// The request decoder alone, side by side in one process: the decoders this checkout generates
// (ajv-compiled at start-up from the published OpenAPI schemas, runtimes/serve/request-contract)
// against the hand-emitted field checks that an earlier revision generated (read from git, so
// nothing of the old generator has to stay in the tree). Per project and body kind: ns per
// decode, medians over rounds with the order alternating every round; plus the one-time cost
// of building the decoder (import of ajv and compilation), which the old decoder did not pay.
//
//   npm run build && node bench/serve/decode.mjs [--against REV] [--rounds N]
//
// REV defaults to 158d50f, the last revision with hand-emitted checks. Never a pass/fail gate.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const AGAINST = arg("--against", "158d50f");
const ROUNDS = Math.max(3, Number(arg("--rounds", 5)));

const long = "word ".repeat(240);
/** Bodies per project: [kind, data]; every kind is decoded by both decoders. */
const CASES = {
  spam: [
    ["single valid", { namespace: "spam", attributes: { text: long }, parameters: { threshold: 0.7 } }],
    ["batch 64 valid", { namespace: "spam", attributes: { text: Array.from({ length: 64 }, (_, i) => `${long}${i}`) } }],
    ["single invalid", { namespace: "spam", attributes: { text: 42 }, parameters: { threshold: 7 } }],
    ["batch 64, 20 bad rows", { namespace: "spam", attributes: { text: Array.from({ length: 64 }, (_, i) => (i % 3 === 0 ? i : long)) } }],
  ],
  iris: [
    ["single valid", { namespace: "iris", attributes: { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 } }],
    ["single invalid", { namespace: "iris", attributes: { sepal_length: "5.1", sepal_width: -3, petal_length: 1.4, petal_width: 1e300 } }],
  ],
  keywords: [
    ["single valid, 4 parameters", { namespace: "keywords", attributes: { content: long }, parameters: { top_n: 3, stop_words: "english", keyphrase_ngram_range: [1, 2], use_mmr: true } }],
    ["single invalid parameters", { namespace: "keywords", attributes: { content: long }, parameters: { top_n: -1, stop_words: 3, keyphrase_ngram_range: [1, "x"] } }],
  ],
};

/** The decoder files of REV for each project, written where Node can import them. */
function oldDecoders() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-bench-decode-"));
  const files = {};
  for (const name of Object.keys(CASES)) {
    const text = execFileSync("git", ["-C", REPO, "show", `${AGAINST}:out/${name}/serve/decode.js`], { encoding: "utf8" });
    files[name] = path.join(dir, `${name}.mjs`);
    fs.writeFileSync(files[name], text);
  }
  return { dir, files };
}

function nsPerCall(decode, data, budgetMs = 150) {
  let n = 0;
  let sink = 0;
  const start = process.hrtime.bigint();
  const until = start + BigInt(budgetMs) * 1_000_000n;
  let now = start;
  while (now < until) {
    for (let i = 0; i < 200; i++) sink ^= decode(data, 64).ok ? 1 : 2;
    n += 200;
    now = process.hrtime.bigint();
  }
  if (sink === -1) console.log(sink);
  return Number(now - start) / n;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const buildStart = performance.now();
const ours = {};
for (const name of Object.keys(CASES)) ours[name] = (await import(pathToFileURL(path.join(REPO, "out", name, "serve", "decode.js")).href)).decode;
const buildMs = performance.now() - buildStart;
const { dir, files } = oldDecoders();
const theirs = {};
for (const name of Object.keys(CASES)) theirs[name] = (await import(pathToFileURL(files[name]).href)).decode;

// Both decoders must give the same verdict on every body, or the comparison means nothing.
for (const [name, cases] of Object.entries(CASES)) {
  for (const [kind, data] of cases) {
    const a = ours[name](data, 64).ok;
    const b = theirs[name](data, 64).ok;
    if (a !== b) throw new Error(`bench: ${name} ${kind}: the decoders disagree (${a} vs ${b})`);
  }
}

const rows = [];
for (const [name, cases] of Object.entries(CASES)) {
  for (const [kind, data] of cases) {
    const a = [];
    const b = [];
    for (let r = 0; r < ROUNDS; r++) {
      if (r % 2 === 0) {
        a.push(nsPerCall(ours[name], data));
        b.push(nsPerCall(theirs[name], data));
      } else {
        b.push(nsPerCall(theirs[name], data));
        a.push(nsPerCall(ours[name], data));
      }
    }
    rows.push({ project: name, body: kind, schemaNs: median(a), handNs: median(b), ratio: median(b) / median(a) });
  }
}
fs.rmSync(dir, { recursive: true, force: true });

console.log(`decoder build (import ajv + compile ${Object.keys(CASES).length} projects' schemas): ${buildMs.toFixed(1)} ms`);
console.log("| project | body | schema-compiled ns | hand-emitted ns (" + AGAINST + ") | speed ratio (hand / schema) |");
console.log("| --- | --- | ---: | ---: | ---: |");
for (const r of rows) console.log(`| ${r.project} | ${r.body} | ${r.schemaNs.toFixed(0)} | ${r.handNs.toFixed(0)} | ${r.ratio.toFixed(2)} |`);
