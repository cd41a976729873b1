// (c) A server on transformers.js (@huggingface/transformers, a dev dependency): node:http + its
// text-classification pipeline, one pipeline call per request (the pipeline tokenizes with
// the pure-JS @huggingface/tokenizers and runs onnxruntime-node). Local files only: STAGE is
// a folder holding MODEL_ID/{config.json, tokenizer.json, tokenizer_config.json,
// onnx/model.onnx}, the layout transformers.js expects. Session options as mesh's.
//
//   PORT, STAGE, MODEL_ID, ROUTE, NAMESPACE, THREADS
import { createServer } from "node:http";
import { env as tjs, pipeline } from "@huggingface/transformers";

const env = process.env;
tjs.allowRemoteModels = false;
tjs.allowLocalModels = true;
tjs.localModelPath = env.STAGE;
tjs.useBrowserCache = false;
tjs.useFSCache = false;
const classify = await pipeline("text-classification", env.MODEL_ID, {
  dtype: "fp32",
  device: "cpu",
  session_options: { intraOpNumThreads: Number(env.THREADS ?? 1), interOpNumThreads: 1, executionMode: "sequential", graphOptimizationLevel: "all" },
});
const route = env.ROUTE;
const namespace = env.NAMESPACE;
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
  const ranked = await classify(text, { top_k: null });
  const scores = Object.fromEntries(ranked.map((r) => [r.label, r.score]));
  const out = JSON.stringify({ version: 1, data: { namespace, attributes: { label: ranked[0].label, score: ranked[0].score, scores } } });
  res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(out) });
  res.end(out);
}

createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  if (req.method !== "POST" || req.url !== route) return fail(res, 404, "not_found");
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => predict(Buffer.concat(chunks).toString("utf8"), res).catch((err) => (process.stderr.write(`${err?.stack ?? err}\n`), fail(res, 500, "internal"))));
}).listen(Number(env.PORT), "127.0.0.1");
process.on("SIGTERM", () => process.exit(0));
