/**
 * A traced model folder (what the neuron and cpu compile targets register: model.pt,
 * compilation.json and the tokenizer/config files, no model.onnx) described with the same
 * facts `inspectModelFolder` gives for an ONNX folder, so `openTransformer` checks it against
 * the task the same way. The facts come from compilation.json, which compile.py wrote from the
 * traced module itself. Problems are sentences naming the file, never thrown.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import type { TransformerServing } from "../../transformers/config.js";
import type { InspectResult } from "../../transformers/inspect.js";

export const TRACED_MODEL = "model.pt";
export const COMPILATION = "compilation.json";

/** What compile.py records (the fields serving reads). */
export interface Compilation {
  readonly task: string;
  readonly target: "cpu" | "neuron";
  readonly instance: string;
  readonly neuron: boolean;
  readonly inputs: readonly string[];
  readonly output: string;
  readonly output_shape: readonly number[];
  readonly batch_size: number;
  readonly max_length: number;
  readonly dynamic_batch: boolean;
  readonly labels: readonly string[];
  readonly vocab_size: number;
  readonly hidden_size: number;
  readonly architecture: string;
  readonly model_type: string;
}

/** True for a folder holding model.pt and no ONNX graph: the torch engine's kind of folder. */
export function isTracedFolder(dir: string): boolean {
  return existsSync(join(dir, TRACED_MODEL)) && !existsSync(join(dir, "model.onnx")) && !existsSync(join(dir, "onnx/model.onnx"));
}

/** The folder of MESH_MODEL_PATH: the path itself, or the folder of a file inside it (which need not exist: a registry download names model.onnx). */
export function tracedFolderOf(path: string): string {
  return existsSync(path) && statSync(path).isDirectory() ? path : dirname(path);
}

export function readCompilation(dir: string): { ok: true; compilation: Compilation } | { ok: false; problem: string } {
  const file = join(dir, COMPILATION);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      ok: false,
      problem: code === "ENOENT" ? `${COMPILATION} is missing from the traced folder (compile.py writes it beside model.pt)` : `${COMPILATION} is not readable JSON: ${(err as Error).message}`,
    };
  }
  const c = raw as Partial<Compilation>;
  const ok =
    typeof c.task === "string" &&
    Array.isArray(c.inputs) &&
    typeof c.output === "string" &&
    Array.isArray(c.output_shape) &&
    typeof c.batch_size === "number" &&
    typeof c.max_length === "number" &&
    typeof c.dynamic_batch === "boolean" &&
    Array.isArray(c.labels);
  return ok
    ? { ok: true, compilation: c as Compilation }
    : { ok: false, problem: `${COMPILATION} lacks the fields compile.py writes (task, inputs, output, output_shape, batch_size, max_length, dynamic_batch, labels): recompile` };
}

/** Facts of a traced folder for `serving`; the traced shape must hold every sequence the service encodes. */
export function inspectTracedFolder(dir: string, serving: Pick<TransformerServing, "task" | "maxLength">): InspectResult {
  const problems: string[] = [];
  if (!existsSync(join(dir, TRACED_MODEL))) problems.push(`${TRACED_MODEL} is missing from the model folder`);
  if (!existsSync(join(dir, "tokenizer.json"))) problems.push("tokenizer.json is missing from the model folder");
  const read = readCompilation(dir);
  if (!read.ok) problems.push(read.problem);
  if (!read.ok || problems.length > 0) return { ok: false, problems };
  const c = read.compilation;
  if (c.task !== serving.task) problems.push(`the model was traced for ${c.task}, the service is ${serving.task}`);
  if (serving.maxLength > c.max_length) {
    problems.push(
      `the model was traced at max_length ${c.max_length}, but the service encodes up to ${serving.maxLength} tokens (model.tokenizer.max_length): compile the neuron target with max_length ${serving.maxLength} or more`,
    );
  }
  if (problems.length > 0) return { ok: false, problems };
  const batch = c.dynamic_batch ? -1 : c.batch_size;
  return {
    ok: true,
    facts: {
      modelFile: TRACED_MODEL,
      architecture: c.architecture ?? "unknown",
      modelType: c.model_type ?? "unknown",
      labels: [...c.labels],
      vocabSize: c.vocab_size ?? 0,
      tokenizerVocabSize: 0,
      maxPositions: c.max_length,
      modelMaxLength: c.max_length,
      hiddenSize: c.hidden_size ?? 0,
      tokenizer: { model: "unknown" },
      // The session pads every batch to the traced shape, so both dimensions are free to its callers.
      inputs: c.inputs.map((name) => ({ name, datatype: "INT64" as const, shape: [batch, -1] })),
      outputs: [{ name: c.output, datatype: "FP32" as const, shape: c.output_shape.map((d, i) => (i === 0 ? batch : i === 1 && c.output_shape.length === 3 ? -1 : d)) }],
    },
  };
}
