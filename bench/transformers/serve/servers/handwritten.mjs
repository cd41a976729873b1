// (b) What a user would write: node:http + `tokenizers` (native) + onnxruntime-node, one
// tokenizer.encode and one session.run per request, no batching, the session options mesh
// uses (1 intra-op thread, sequential, graph optimisation "all"). Answers like mesh's
// text-classification: {label, score, scores} with softmax scores.
//
//   PORT, MODEL_DIR (tokenizer.json, config.json), MODEL_FILE (the .onnx), MAX_LENGTH, ROUTE, NAMESPACE
import { createServer } from "node:http";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import tokenizers from "tokenizers";
import * as ort from "onnxruntime-node";

const env = process.env;
const dir = env.MODEL_DIR;
const tokenizer = tokenizers.Tokenizer.fromString(readFileSync(join(dir, "tokenizer.json"), "utf8"));
tokenizer.setTruncation(Number(env.MAX_LENGTH ?? 512));
tokenizer.disablePadding();
const id2label = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")).id2label;
const labels = Object.keys(id2label)
  .sort((a, b) => a - b)
  .map((k) => id2label[k]);
const session = await ort.InferenceSession.create(env.MODEL_FILE ?? join(dir, "model.onnx"), {
  intraOpNumThreads: Number(env.THREADS ?? 1),
  interOpNumThreads: 1,
  executionMode: "sequential",
  graphOptimizationLevel: "all",
});
const withTypes = session.inputNames.includes("token_type_ids");
const route = env.ROUTE;
const namespace = env.NAMESPACE;

const tensor = (xs) => new ort.Tensor("int64", BigInt64Array.from(xs, BigInt), [1, xs.length]);
const fail = (res, status, code) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(JSON.stringify({ errors: [{ status: String(status), code }] }));
};

async function predict(body, res) {
  let text;
  try {
    text = JSON.parse(body)?.data?.attributes?.content;
  } catch {
    return fail(res, 400, "malformed_json");
  }
  if (typeof text !== "string" || text.trim() === "") return fail(res, 400, "invalid_type");
  const enc = await tokenizer.encode(text);
  const feeds = { input_ids: tensor(enc.getIds()), attention_mask: tensor(enc.getAttentionMask()) };
  if (withTypes) feeds.token_type_ids = tensor(enc.getTypeIds());
  const logits = (await session.run(feeds)).logits.data;
  let max = -Infinity;
  for (const x of logits) max = Math.max(max, x);
  let sum = 0;
  const p = Array.from(logits, (x) => ((sum += Math.exp(x - max)), Math.exp(x - max)));
  let best = 0;
  const scores = {};
  p.forEach((x, i) => {
    scores[labels[i]] = x / sum;
    if (x > p[best]) best = i;
  });
  const out = JSON.stringify({ version: 1, data: { namespace, attributes: { label: labels[best], score: p[best] / sum, scores } } });
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(out) });
  res.end(out);
}

createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  if (req.method !== "POST" || req.url !== route) return fail(res, 404, "not_found");
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => predict(Buffer.concat(chunks).toString("utf8"), res).catch(() => fail(res, 500, "internal")));
}).listen(Number(env.PORT), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
