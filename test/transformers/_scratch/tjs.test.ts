import { test } from "vitest";
import { cpSync, mkdirSync, mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline, env } from "@huggingface/transformers";
const ROOT = process.env.PM ?? "/tmp/pm-smoke";
test("tjs", async () => {
  const stage = mkdtempSync(join(tmpdir(), "tjs-"));
  for (const name of ["sentiment", "ner", "keywords"]) {
    mkdirSync(join(stage, name, "onnx"), { recursive: true });
    for (const f of readdirSync(join(ROOT, name))) if (f.endsWith(".json")) cpSync(join(ROOT, name, f), join(stage, name, f));
    cpSync(join(ROOT, name, "model.onnx"), join(stage, name, "onnx", "model.onnx"));
  }
  env.allowRemoteModels = false; env.allowLocalModels = true; env.localModelPath = stage; env.useFSCache = false; env.useBrowserCache = false;
  const fetchOrig = globalThis.fetch; (globalThis as any).fetch = (...a: any[]) => { throw new Error("network! " + String(a[0])); };
  const tc = await pipeline("text-classification", "sentiment", { dtype: "fp32", device: "cpu" } as any);
  console.log(JSON.stringify(await (tc as any)(["I love this", "This is awful, really bad and a much longer text"], { top_k: null })));
  const ner = await pipeline("token-classification", "ner", { dtype: "fp32" } as any);
  console.log(JSON.stringify(await (ner as any)("Yesterday Maria Lopez flew from Texas to Boston.", { ignore_labels: [] })));
  console.log(JSON.stringify(await (ner as any)(["Yesterday Maria Lopez flew from Texas to Boston.", "John"], { aggregation_strategy: "simple", ignore_labels: [] })));
  const fe = await pipeline("feature-extraction", "keywords", { dtype: "fp32" } as any);
  const out = await (fe as any)(["Taxes on families must come down.", "a"], { pooling: "mean", normalize: true });
  console.log(out.dims, Array.from(out.data as Float32Array).slice(0, 5));
  (globalThis as any).fetch = fetchOrig;
}, 120000);
