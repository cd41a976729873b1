/**
 * A served transformer task: decoded request rows → tokenizer → batched model calls →
 * the task's answer. One class for the four tasks; each task's shaping lives in
 * `tasks/*.ts` and its algorithms in `postprocess/` (pure, tested against Hugging Face's
 * pipelines and KeyBERT). Text is made well-formed first (lone surrogates → U+FFFD, same
 * length), so offsets into it stay offsets into what the client sent.
 */
import type { TransformerServing } from "./config.js";
import { PipelineError } from "./pipeline-error.js";
import type { TaskContext } from "./task-context.js";
import type { SequenceOutput, SequenceRunner } from "./sequence-runner.js";
import type { TextTokenizer } from "./tokenizer.js";
import { classifyTexts } from "./tasks/classify.js";
import { embedTexts } from "./tasks/embed.js";
import { extractKeywords } from "./tasks/keywords.js";
import { tagEntities } from "./tasks/entities.js";
import { poolOutputs } from "./tasks/embed.js";

export interface PipelineRequest {
  readonly rows: readonly Readonly<Record<string, unknown>>[];
  readonly parameters: Readonly<Record<string, unknown>>;
  /** Batch form: the answer holds one array per response field. */
  readonly batch: boolean;
}

export type { TaskContext } from "./task-context.js";

export type Row = Readonly<Record<string, unknown>>;

export class TransformerPipeline {
  /** A task context whose model calls must finish by `deadline` (performance.now() time). */
  readonly context: (deadline: number) => TaskContext;
  readonly #serving: TransformerServing;

  constructor(serving: TransformerServing, labels: readonly string[], tokenizer: TextTokenizer, runner: SequenceRunner, maxBatch: number) {
    this.#serving = serving;
    const chunk = Math.max(1, maxBatch);
    this.context = (deadline) => ({
      serving,
      labels,
      tokenizer,
      async encode(texts, pointers, detail = false) {
        const truncate = serving.truncation === "truncate";
        const encoded = await tokenizer.encode(texts, { maxLength: serving.maxLength, truncate, detail });
        if (!truncate) {
          encoded.forEach((e, i) => {
            if (e.ids.length > serving.maxLength) {
              throw new PipelineError(400, "too_long", `is ${e.ids.length} tokens long; the model reads at most ${serving.maxLength} (model.tokenizer.max_length, truncation: refuse)`, pointers[i]);
            }
          });
        }
        return encoded;
      },
      async run(sequences) {
        const parts: Promise<SequenceOutput>[] = [];
        for (let i = 0; i < sequences.length; i += chunk) parts.push(runner.run(sequences.slice(i, i + chunk), deadline));
        return Promise.all(parts);
      },
    });
  }

  /** The response attributes for a decoded request; throws PipelineError for anything but success. */
  async predict(request: PipelineRequest, deadline: number): Promise<Record<string, unknown>> {
    const input = this.#serving.input;
    const base = `/data/attributes/${input}`;
    const texts = request.rows.map((r) => wellFormed(String(r[input] ?? "")));
    const pointers = texts.map((_, i) => (request.batch ? `${base}/${i}` : base));
    const ctx = this.context(deadline);
    const task = this.#serving.task;
    if (task !== "token-classification") {
      texts.forEach((t, i) => {
        if (t.trim() === "") throw new PipelineError(400, "empty_text", "must hold some text (it is empty or only white space)", pointers[i]);
      });
    }
    const answers: Record<string, unknown>[] =
      task === "text-classification"
        ? await classifyTexts(ctx, texts, pointers)
        : task === "token-classification"
          ? await tagEntities(ctx, texts, pointers, request.parameters)
          : task === "feature-extraction"
            ? await embedTexts(ctx, texts, pointers)
            : await extractKeywords(ctx, texts, pointers, request.parameters);
    return request.batch ? columns(answers) : answers[0]!;
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Lone surrogates → U+FFFD (String.prototype.toWellFormed; not in this TypeScript lib yet). */
const wellFormed = (text: string): string => text.replace(LONE_SURROGATE, "\uFFFD");

/** One row answer per text → the batch form: one array per field. */
function columns(rows: readonly Record<string, unknown>[]): Record<string, unknown[]> {
  const out: Record<string, unknown[]> = {};
  for (const key of Object.keys(rows[0] ?? {})) out[key] = rows.map((r) => r[key]);
  return out;
}

/**
 * The numbers a compiled model is validated on: per text, the model output the task reads —
 * a classifier's logits, a token classifier's [tokens × labels] logits (flattened), or the
 * pooled embedding. Golden files store these; compile compares them with atol/rtol.
 */
export async function rawOutputs(pipeline: { readonly context: (deadline: number) => TaskContext }, texts: readonly string[]): Promise<number[][]> {
  const ctx = pipeline.context(Number.POSITIVE_INFINITY);
  const encoded = await ctx.encode(
    texts,
    texts.map(() => "/"),
  );
  const outputs = await ctx.run(encoded);
  if (ctx.serving.task === "feature-extraction" || ctx.serving.task === "keyword-extraction") {
    return poolOutputs(encoded, outputs, ctx.serving.pooling, ctx.serving.task === "feature-extraction" && ctx.serving.normalize).map((v) => Array.from(v));
  }
  const rows: number[][] = [];
  let s = 0;
  for (const out of outputs) {
    const n = out.dims[0] ?? 0;
    const perRow = out.data.length / Math.max(1, n);
    for (let j = 0; j < n; j++, s++) {
      const width = out.dims.length === 3 ? encoded[s]!.ids.length * (out.dims[2] ?? 0) : perRow;
      rows.push(Array.from(out.data.subarray(j * perRow, j * perRow + width)));
    }
  }
  return rows;
}
