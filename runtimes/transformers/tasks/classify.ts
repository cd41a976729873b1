/**
 * text-classification: one sequence per text → `{label, score, scores}` as Hugging Face's
 * pipeline scores it (`function_to_apply`, then labels by score). `scores` lists every label
 * (or the `top_k` best) in the model's label order, so clients can index it by name.
 */
import type { TaskContext } from "../task-context.js";
import { classifyRow } from "../postprocess/classify.js";

export async function classifyTexts(ctx: TaskContext, texts: readonly string[], pointers: readonly string[]): Promise<Record<string, unknown>[]> {
  const { serving, labels } = ctx;
  const outputs = await ctx.run(await ctx.encode(texts, pointers));
  const answers: Record<string, unknown>[] = [];
  for (const out of outputs) {
    const width = out.dims[1] ?? labels.length;
    for (let r = 0; r < (out.dims[0] ?? 0); r++) {
      const ranked = classifyRow(out.data.subarray(r * width, (r + 1) * width), labels, serving.functionToApply, serving.topK > 0 ? serving.topK : null);
      const kept = new Set(ranked.map((x) => x.label));
      const byLabel = new Map(ranked.map((x) => [x.label, x.score]));
      const best = ranked[0]!;
      answers.push({
        label: best.label,
        score: best.score,
        scores: Object.fromEntries(labels.filter((l) => kept.has(l)).map((l) => [l, byLabel.get(l)!])),
      });
    }
  }
  return answers;
}
