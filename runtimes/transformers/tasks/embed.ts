/**
 * feature-extraction: one vector per text, pooled from the token vectors (`cls`, masked
 * `mean` or `max`, as sentence-transformers pools) and L2-normalised when the spec says so.
 */
import type { TaskContext } from "../task-context.js";
import type { SequenceOutput } from "../sequence-runner.js";
import type { Encoded } from "../tokenizer.js";
import { l2normalize, poolRow, type PoolingMode } from "../postprocess/pooling.js";

/** Pooled vectors of `sequences`, in order, from their model outputs ([n, L, H] chunks). */
export function poolOutputs(sequences: readonly Encoded[], outputs: readonly SequenceOutput[], mode: PoolingMode, normalize: boolean): Float32Array[] {
  const vectors: Float32Array[] = [];
  let s = 0;
  for (const out of outputs) {
    const [n = 0, L = 0, H = 0] = out.dims;
    for (let j = 0; j < n; j++, s++) {
      const seq = sequences[s]!;
      const v = poolRow(out.data, j * L * H, seq.ids.length, H, seq.attention, mode);
      vectors.push(normalize ? l2normalize(v) : v);
    }
  }
  return vectors;
}

export async function embedTexts(ctx: TaskContext, texts: readonly string[], pointers: readonly string[]): Promise<Record<string, unknown>[]> {
  const sequences = await ctx.encode(texts, pointers);
  const vectors = poolOutputs(sequences, await ctx.run(sequences), ctx.serving.pooling, ctx.serving.normalize);
  return vectors.map((v) => ({ embedding: Array.from(v) }));
}
