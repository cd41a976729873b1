// (b) What a user would write instead: Fastify + onnxruntime-node, one session.run per
// request, the same featurizer (runtimes/features, compiled by build.mjs) for the text model.
import Fastify from "fastify";
import * as ort from "onnxruntime-node";

const kind = process.env.BENCH_DEF ?? "spam";
const session = await ort.InferenceSession.create(process.env.MODEL, { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: "sequential", graphOptimizationLevel: "all" });
const LABELS = kind === "spam" ? ["ham", "spam"] : ["c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7"];
const { createFeaturizer } = kind === "spam" ? await import(process.env.FEATURES) : {};
const featurizer = kind === "spam" ? createFeaturizer({ kind: "hashed-ngrams", input: "text", dims: 4096, ngrams: [1, 2], lowercase: true, maxChars: 20000 }) : undefined;

const app = Fastify({ logger: false, bodyLimit: 1048576 });
app.post(`/${kind}/v1/predict`, async (req, reply) => {
  const attrs = req.body?.data?.attributes;
  let x;
  if (kind === "spam") {
    if (typeof attrs?.text !== "string") return reply.code(400).send({ errors: [{ status: "400", code: "invalid_type" }] });
    x = new Float32Array(4096);
    featurizer.encode({ text: attrs.text }, x, 0);
  } else {
    if (!Array.isArray(attrs?.x) || attrs.x.length !== 256) return reply.code(400).send({ errors: [{ status: "400", code: "invalid_type" }] });
    x = Float32Array.from(attrs.x);
  }
  const out = await session.run({ [kind === "spam" ? "features" : "x"]: new ort.Tensor("float32", x, [1, x.length]) });
  const p = out.probabilities.data;
  let best = 0;
  if (kind === "spam") best = p[1] >= 0.5 ? 1 : 0;
  else for (let j = 1; j < p.length; j++) if (p[j] > p[best]) best = j;
  return { version: 1, data: { namespace: kind, attributes: { label: LABELS[best], score: p[best] } } };
});
await app.listen({ port: Number(process.env.PORT), host: "127.0.0.1" });
process.on("SIGTERM", () => process.exit(0));
