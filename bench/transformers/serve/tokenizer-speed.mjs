// Tokenizer speed on one tokenizer.json and the bench's texts, in a process of its own:
//   native-single  `tokenizers` (HF's Rust library via napi): await encode(text), one at a time
//   native-batch   the same library: await encodeBatch(pool), per text
//   mesh           mesh's own path (runtimes/transformers/tokenizer.ts loadTokenizer().encode([text]),
//                  what the server calls once per text-classification request)
//   js             `@huggingface/tokenizers` (pure JS, what transformers.js uses): encode(text)
// µs per text, wall and CPU (process.cpuUsage: every thread of the process), rounds with the
// order rotated, medians. Also checks that both libraries give the same ids.
//
//   node tokenizer-speed.mjs JOB.json → one JSON line
//   JOB = { folder, maxLength, pools: { short: [text…], long: [text…] }, dur, rounds, meshTokenizer }
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import tokenizers from "tokenizers";
import { Tokenizer as JsTokenizer } from "@huggingface/tokenizers";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const json = readFileSync(join(job.folder, "tokenizer.json"), "utf8");
let config = {};
try {
  config = JSON.parse(readFileSync(join(job.folder, "tokenizer_config.json"), "utf8"));
} catch {
  // optional
}
const native = tokenizers.Tokenizer.fromString(json);
native.setTruncation(job.maxLength);
native.disablePadding();
const js = new JsTokenizer(JSON.parse(json), { ...config, model_max_length: job.maxLength });
const { loadTokenizer } = await import(pathToFileURL(job.meshTokenizer).href);
const mesh = loadTokenizer(job.folder);

const variants = {
  "native-single": async (texts) => {
    for (const t of texts) (await native.encode(t)).getIds();
  },
  "native-batch": async (texts) => {
    for (const e of await native.encodeBatch(texts)) e.getIds();
  },
  mesh: async (texts) => {
    for (const t of texts) await mesh.encode([t], { maxLength: job.maxLength, truncate: true });
  },
  js: async (texts) => {
    for (const t of texts) js.encode(t, { add_special_tokens: true });
  },
};

async function time(fn, texts) {
  await fn(texts);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let n = 0;
  while (performance.now() - t0 < job.dur * 1000) {
    await fn(texts);
    n += texts.length;
  }
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wallUs: (wall * 1000) / n, cpuUs: (c.user + c.system) / n };
}

// Same ids? (truncation: both cut at maxLength; the pools are within it)
const agree = {};
for (const [kind, texts] of Object.entries(job.pools)) {
  const a = await native.encodeBatch(texts);
  let same = 0;
  texts.forEach((t, i) => {
    const ids = js.encode(t, { add_special_tokens: true }).ids;
    if (ids.length === a[i].getIds().length && ids.every((x, k) => x === a[i].getIds()[k])) same++;
  });
  agree[kind] = `${same}/${texts.length}`;
}

const samples = {};
const names = Object.keys(variants);
for (let round = 0; round < job.rounds; round++) {
  for (const [kind, texts] of Object.entries(job.pools)) {
    for (let i = 0; i < names.length; i++) {
      const name = names[(i + round) % names.length];
      (samples[`${kind}/${name}`] ??= []).push(await time(variants[name], texts));
    }
  }
}
const med = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const result = {};
for (const [k, v] of Object.entries(samples)) result[k] = { wallUs: med(v.map((x) => x.wallUs)), cpuUs: med(v.map((x) => x.cpuUs)) };
process.stdout.write(JSON.stringify({ agree, result, offsets: { native: typeof (await native.encode("a b")).getOffsets === "function", js: "offsets" in js.encode("a b") } }) + "\n");
