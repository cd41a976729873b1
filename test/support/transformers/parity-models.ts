/**
 * The three committed example models (projects/{sentiment,ner,keywords}/model, built by
 * scripts/models/build.mjs) as the parity tests open them: mesh's own runtime
 * (`openTransformer`, with the serving settings `mesh lower` would give the project), and a
 * staged copy in the layout transformers.js loads (`<name>/onnx/model.onnx`).
 *
 * MESH_PARITY_MODELS=DIR points the tests at another build (`build.mjs --out DIR`), whose
 * folders are DIR/sentiment, DIR/ner and DIR/keywords.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { TransformerServing, TransformerTask } from "../../../runtimes/transformers/config.js";
import { inspectModelFolder, type TransformerFacts } from "../../../runtimes/transformers/inspect.js";
import { openTransformer, type OpenedTransformer } from "../../../runtimes/transformers/open.js";
import { checkTaskSignature } from "../../../runtimes/transformers/task-signature.js";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export type ModelName = "sentiment" | "ner" | "keywords";
export const MODEL_NAMES: readonly ModelName[] = ["sentiment", "ner", "keywords"];

/** The task each example project serves (keywords: KeyBERT over the encoder). */
export const TASK_OF: Readonly<Record<ModelName, TransformerTask>> = {
  sentiment: "text-classification",
  ner: "token-classification",
  keywords: "keyword-extraction",
};

export function modelDir(name: ModelName): string {
  const root = process.env["MESH_PARITY_MODELS"];
  return root ? resolve(root, name) : join(REPO, "projects", name, "model");
}

export function factsOf(dir: string): TransformerFacts {
  const inspected = inspectModelFolder(dir);
  if (!inspected.ok) throw new Error(`${dir}: ${inspected.problems.join("; ")}`);
  return inspected.facts;
}

/**
 * Serving settings as compiler/lower/lower.ts derives them from the folder's facts and the
 * seed defaults (compiler/lower/defaults.ts), with `overrides` on top.
 */
export function servingFor(dir: string, task: TransformerTask, overrides: Partial<TransformerServing> = {}): TransformerServing {
  const facts = factsOf(dir);
  const checked = checkTaskSignature(task, facts);
  if (!checked.ok) throw new Error(`${dir} does not fit ${task}: ${checked.problems.join("; ")}`);
  return {
    task,
    input: "content",
    modelFile: facts.modelFile,
    maxLength: Math.min(128, facts.maxPositions),
    truncation: "truncate",
    output: checked.signature.output,
    hasTokenTypeIds: checked.signature.hasTokenTypeIds,
    ...(facts.tokenizer.continuingSubwordPrefix ? { continuingSubwordPrefix: facts.tokenizer.continuingSubwordPrefix } : {}),
    functionToApply: "softmax",
    topK: 0,
    aggregation: "simple",
    splitSentences: true,
    pooling: "mean",
    normalize: true,
    keywords: { ngramRange: [1, 1], stopWords: "english", topN: 5, minDf: 1, useMaxsum: false, useMmr: false, diversity: 0.5, nrCandidates: 20, maxCandidates: 500 },
    ...overrides,
  };
}

/**
 * mesh's runtime on the folder as a server runs it (graph optimisation "all", one thread),
 * except that batching is off and a request's sequences run as ONE padded model call of up
 * to 64 rows: a request of several texts is exactly one batch padded to its longest text.
 */
export function openMesh(dir: string, serving: TransformerServing): Promise<OpenedTransformer> {
  return openTransformer(dir, serving, { intraOpThreads: 1, interOpThreads: 1, graphOptimization: "all", batching: false, maxBatch: 64, maxDelayMs: 0, queueRows: 1_000_000 });
}

/** mesh's answer for each text, one request per text (the HTTP server's row form). */
export async function predictEach(opened: OpenedTransformer, texts: readonly string[], parameters: Record<string, unknown> = {}): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (const content of texts) out.push(await opened.pipeline.predict({ rows: [{ content }], parameters, batch: false }, Number.POSITIVE_INFINITY));
  return out;
}

/**
 * A temporary folder holding each named model in the layout transformers.js expects
 * (`<root>/<name>/config.json`, tokenizer files, `onnx/model.onnx`), copied from the model
 * folders; `release()` removes it.
 */
export function stageForTransformersJs(names: readonly ModelName[]): { readonly root: string; release(): void } {
  const root = mkdtempSync(join(tmpdir(), "mesh-parity-tjs-"));
  for (const name of names) {
    const src = modelDir(name);
    const dst = join(root, name);
    mkdirSync(join(dst, "onnx"), { recursive: true });
    for (const f of readdirSync(src)) if (f.endsWith(".json")) copyFileSync(join(src, f), join(dst, f));
    copyFileSync(join(src, factsOf(src).modelFile), join(dst, "onnx", "model.onnx"));
  }
  return { root, release: () => rmSync(root, { recursive: true, force: true }) };
}

/**
 * Makes every fetch() throw while a suite runs: transformers.js must answer from the staged
 * files alone. Returns the function that puts fetch back.
 */
export function forbidNetwork(): () => void {
  const original = globalThis.fetch;
  globalThis.fetch = ((input: unknown) => {
    throw new Error(`parity tests must not reach the network (fetch ${String(input)})`);
  }) as typeof fetch;
  return () => {
    globalThis.fetch = original;
  };
}

/** Largest |a[i] − b[i]| (NaN when any difference is NaN); lengths must agree. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`maxAbsDiff: lengths ${a.length} and ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (Number.isNaN(d)) return Number.NaN;
    if (d > m) m = d;
  }
  return m;
}
