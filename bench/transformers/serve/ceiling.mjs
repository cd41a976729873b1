// (a) The raw ceiling: onnxruntime-node session.run alone, no HTTP, no tokenizer, on the same
// model, session options and threads as the servers, fed pre-tokenised batches made like
// mesh's SequenceRunner makes them: `batch` sequences taken in turn from the same text pool,
// padded to the longest of the batch, INT64 ids/mask (+ token types when the graph has them).
//
//   node ceiling.mjs JOB.json  →  one JSON line: [{ batch, rowsPerSec, msPerCall, cpuMsPerRow, calls, paddingShare }]
//   JOB = { model, threads, padId, sequences: [[ids], …], batches: [b, …], dur, minCalls }
import { readFileSync } from "node:fs";
import * as ort from "onnxruntime-node";

const job = JSON.parse(readFileSync(process.argv[2], "utf8"));
const session = await ort.InferenceSession.create(job.model, { intraOpNumThreads: job.threads, interOpNumThreads: 1, executionMode: "sequential", graphOptimizationLevel: "all" });
const withTypes = session.inputNames.includes("token_type_ids");
const seqs = job.sequences;

function feedsFor(batch, first) {
  const rows = Array.from({ length: batch }, (_, i) => seqs[(first + i) % seqs.length]);
  const longest = Math.max(...rows.map((r) => r.length));
  const ids = new BigInt64Array(batch * longest).fill(BigInt(job.padId));
  const mask = new BigInt64Array(batch * longest);
  rows.forEach((r, i) => r.forEach((id, t) => ((ids[i * longest + t] = BigInt(id)), (mask[i * longest + t] = 1n))));
  const dims = [batch, longest];
  const real = rows.reduce((a, r) => a + r.length, 0);
  const feeds = { input_ids: new ort.Tensor("int64", ids, dims), attention_mask: new ort.Tensor("int64", mask, dims) };
  if (withTypes) feeds.token_type_ids = new ort.Tensor("int64", new BigInt64Array(batch * longest), dims);
  return { feeds, real, total: batch * longest };
}

const out = [];
for (const batch of job.batches) {
  // A few distinct batches, cycled: the padding of each is what the server's would be.
  const made = Array.from({ length: Math.min(8, Math.ceil(seqs.length / batch)) }, (_, k) => feedsFor(batch, k * batch));
  const feeds = made.map((m) => m.feeds);
  const paddingShare = 1 - made.reduce((a, m) => a + m.real, 0) / made.reduce((a, m) => a + m.total, 0);
  await session.run(feeds[0]);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let calls = 0;
  let ms = 0;
  while (ms < job.dur * 1000 || calls < job.minCalls) {
    await session.run(feeds[calls % feeds.length]);
    calls++;
    ms = performance.now() - t0;
  }
  const cpu = process.cpuUsage(cpu0);
  out.push({ batch, rowsPerSec: (calls * batch * 1000) / ms, msPerCall: ms / calls, cpuMsPerRow: (cpu.user + cpu.system) / 1000 / (calls * batch), calls, paddingShare });
}
await session.release();
process.stdout.write(JSON.stringify(out) + "\n");
