/**
 * Opens a Hugging Face model folder for serving or validation: checks the folder against the
 * task (the same facts `mesh lock` recorded), loads the tokenizer and the model session, and
 * wires the batching sequence runner and the task pipeline. Everything that can be wrong
 * with the folder is found here, before a server says ready.
 *
 * The session is onnxruntime over model.onnx, or — engine `torch`, chosen by MESH_ENGINE or
 * automatically for a folder with model.pt and no ONNX graph (a neuron/cpu compiled version) —
 * the traced model in a Python sidecar (runtimes/serve/torch-session.ts). Tokenizer, batching
 * and the task's answer are the same code either way.
 */
import { statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { TransformerServing } from "./config.js";
import { inspectModelFolder } from "./inspect.js";
import { TransformerPipeline } from "./pipeline.js";
import { SequenceRunner } from "./sequence-runner.js";
import { checkTaskSignature } from "./task-signature.js";
import { loadTokenizer } from "./tokenizer.js";
import { openSession, type ModelSession, type SessionOptions } from "../serve/session.js";
import { openTorchSession, resolveEngine, type Engine } from "../serve/torch-session.js";
import { inspectTracedFolder, tracedFolderOf } from "../neuron/transformer/folder.js";
import type { ServerMetrics } from "../serve/metrics.js";
import type { Logger } from "../serve/logger.js";

export interface OpenedTransformer {
  readonly dir: string;
  readonly session: ModelSession;
  readonly runner: SequenceRunner;
  readonly pipeline: TransformerPipeline;
  readonly labels: readonly string[];
  release(): Promise<void>;
}

export interface OpenOptions extends SessionOptions {
  readonly batching: boolean;
  readonly maxBatch: number;
  readonly maxDelayMs: number;
  readonly queueRows: number;
  /** The labels the generated code was built for; the folder's config.json must agree. */
  readonly expectLabels?: readonly string[];
  /** A different ONNX graph than the folder's own (compile validates candidates this way). */
  readonly onnxPath?: string;
  /** onnxruntime, torch (model.pt through the Python sidecar), or auto (default): torch for a folder with model.pt and no model.onnx. */
  readonly engine?: Engine | "auto";
  /** torch: the sidecar program to run ("" or absent: the library's own sidecar.py). */
  readonly torchSidecar?: string;
}

export class ModelFolderError extends Error {}

/** `path` is the model folder, or a file inside it (MESH_MODEL_PATH may name model.onnx). */
export function modelFolderOf(path: string): string {
  return statSync(path).isDirectory() ? path : dirname(path);
}

export async function openTransformer(path: string, serving: TransformerServing, options: OpenOptions, metrics?: ServerMetrics, log?: Logger): Promise<OpenedTransformer> {
  const engine = options.onnxPath ? "onnxruntime" : resolveEngine(path, options.engine ?? "auto");
  const dir = engine === "torch" ? tracedFolderOf(path) : modelFolderOf(path);
  const inspected = engine === "torch" ? inspectTracedFolder(dir, serving) : inspectModelFolder(dir);
  if (!inspected.ok) throw new ModelFolderError(`the model folder ${dir} cannot be served: ${inspected.problems.join("; ")}`);
  const facts = inspected.facts;
  const signature = checkTaskSignature(serving.task, facts);
  if (!signature.ok) throw new ModelFolderError(`the model folder ${dir} does not fit ${serving.task}: ${signature.problems.join("; ")}`);
  if (options.expectLabels && options.expectLabels.join("\u0000") !== facts.labels.join("\u0000")) {
    throw new ModelFolderError(
      `the model folder ${dir} has labels ${facts.labels.join(", ") || "(none)"}, the service was generated for ${options.expectLabels.join(", ") || "(none)"}: run mesh lock and mesh generate`,
    );
  }
  const tokenizer = loadTokenizer(dir);
  if (tokenizer.vocabSize > facts.vocabSize) throw new ModelFolderError(`the tokenizer of ${dir} produces ids up to ${tokenizer.vocabSize - 1}, beyond the model's ${facts.vocabSize} embeddings`);
  const session =
    engine === "torch"
      ? await openTorchSession(dir, { intraOpThreads: options.intraOpThreads, ...(options.torchSidecar ? { sidecar: options.torchSidecar } : {}), ...(log ? { log } : {}) })
      : await openSession(options.onnxPath ?? join(dir, facts.modelFile), options);
  const runner = new SequenceRunner(
    session,
    {
      output: signature.signature.output,
      hasTokenTypeIds: signature.signature.hasTokenTypeIds,
      padId: tokenizer.padId,
      batching: options.batching,
      maxBatch: options.maxBatch,
      maxDelayMs: options.maxDelayMs,
      queueRows: options.queueRows,
    },
    metrics,
    log,
  );
  const pipeline = new TransformerPipeline(serving, facts.labels, tokenizer, runner, options.maxBatch);
  return { dir, session, runner, pipeline, labels: facts.labels, release: () => session.release() };
}
