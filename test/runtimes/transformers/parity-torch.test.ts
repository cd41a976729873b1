/**
 * Model parity: mesh's model outputs (onnxruntime-node over model.onnx, fed by mesh's
 * tokenizer and sequence batching: runtimes/transformers/sequence-runner.ts) against the
 * builder's eager torch module (scripts/models/modeling.py through scripts/models/reference.py)
 * on the same token ids, for all three example models, within 1e-4 max |Δ|.
 *
 * Batch compositions (torch: one reference.py run per batch):
 * - one text: the shortest and the longest text, each alone on both sides;
 * - all six texts (lengths all different) as one batch: mesh runs them in ONE model call
 *   padded to the longest, torch in one padded batch; every mesh row is also compared with
 *   the same text run alone through mesh, and every text run alone through mesh with its torch
 *   batch row — so neither side's padding or attention mask changes any row;
 * - the longest and the shortest together, in reverse order.
 * The path compile's goldens use (`rawOutputs`) is checked against the same numbers.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { OpenedTransformer } from "../../../runtimes/transformers/open.js";
import { rawOutputs } from "../../../runtimes/transformers/pipeline.js";
import type { SequenceOutput } from "../../../runtimes/transformers/sequence-runner.js";
import type { Encoded } from "../../../runtimes/transformers/tokenizer.js";
import { maxAbsDiff, modelDir, openMesh, servingFor, type ModelName } from "../../support/transformers/parity-models.js";
import { torchBatch, type TorchOutput } from "../../support/transformers/torch-reference.js";
import type { TransformerTask } from "../../../runtimes/transformers/config.js";

const TOL = 1e-4;

/** Texts of very different lengths (and scripts). */
const TEXTS = [
  "ok",
  "Maria Lopez flew to Boston 😀",
  "The weather was fine and nobody was named, said John Smith of Ohio Bank.",
  "Crème brûlée in São Paulo, 東京 and Zürich: the café was naïve.",
  "Taxes on families must come down. We will cut taxes for working families and small businesses, and our schools need good teachers.",
  "Fellow-Citizens of the Senate and House of Representatives: In meeting you again I feel much satisfaction in being able to repeat my congratulations on the favorable prospects which continue to distinguish our public affairs, and the army and the navy defend the nation.",
];

/** What mesh's runner hands back, per sequence: its own tokens' values (per-token outputs) or the row. */
function rowsOf(outputs: readonly SequenceOutput[], sequences: readonly Encoded[]): number[][] {
  const rows: number[][] = [];
  let s = 0;
  for (const out of outputs) {
    const n = out.dims[0]!;
    const per = out.data.length / n;
    for (let j = 0; j < n; j++, s++) {
      const width = out.dims.length === 3 ? sequences[s]!.ids.length * out.dims[2]! : per;
      rows.push(Array.from(out.data.subarray(j * per, j * per + width)));
    }
  }
  return rows;
}

/** A torch batch output's rows, each cut to its own tokens and flattened. */
function torchRows(out: TorchOutput, lengths: readonly number[]): number[][] {
  return (out as unknown[]).map((row, i) => (Array.isArray((row as unknown[])[0]) ? (row as number[][]).slice(0, lengths[i]).flat() : (row as number[])));
}

/** Masked mean over a row's tokens (all real), [tokens × hidden] flattened → [hidden]. */
function meanPool(flat: readonly number[], tokens: number, hidden: number): number[] {
  const out = new Array<number>(hidden).fill(0);
  for (let t = 0; t < tokens; t++) for (let h = 0; h < hidden; h++) out[h]! += flat[t * hidden + h]!;
  return out.map((x) => x / tokens);
}

const CASES: readonly { name: ModelName; task: TransformerTask }[] = [
  { name: "sentiment", task: "text-classification" },
  { name: "ner", task: "token-classification" },
  { name: "keywords", task: "keyword-extraction" },
];

const summary: string[] = [];
afterAll(() => console.info(summary.join("\n")));

describe.each(CASES)("$name ($task): mesh vs the torch module", ({ name, task }) => {
  const dir = modelDir(name);
  let m: OpenedTransformer;
  let encoded: Encoded[];
  let lo: number; // the shortest text (in tokens)
  let hi: number; // the longest
  let shortest: number[]; // torch, the shortest text alone
  let longest: number[]; // torch, the longest text alone
  let together: number[][]; // torch, all texts as one padded batch
  let pair: number[][]; // torch, [longest, shortest]
  let worst = 0;
  const note = (d: number) => {
    worst = Math.max(worst, d);
    return d;
  };

  beforeAll(async () => {
    m = await openMesh(dir, servingFor(dir, task, { maxLength: 256 }));
    encoded = await m.pipeline.context(Infinity).encode(
      TEXTS,
      TEXTS.map(() => "/"),
    );
    const ids = encoded.map((e) => e.ids);
    const lengths = ids.map((r) => r.length);
    expect(new Set(lengths).size).toBe(TEXTS.length); // every row of the batch but the longest is padded
    lo = lengths.indexOf(Math.min(...lengths));
    hi = lengths.indexOf(Math.max(...lengths));
    const [a, b, all, two] = await Promise.all([torchBatch(dir, [ids[lo]!]), torchBatch(dir, [ids[hi]!]), torchBatch(dir, ids), torchBatch(dir, [ids[hi]!, ids[lo]!])]);
    shortest = torchRows(a, [lengths[lo]!])[0]!;
    longest = torchRows(b, [lengths[hi]!])[0]!;
    together = torchRows(all, lengths);
    pair = torchRows(two, [lengths[hi]!, lengths[lo]!]);
  });

  afterAll(async () => {
    if (together) summary.push(`${name}: max |mesh − torch| = ${worst.toExponential(2)} over ${TEXTS.length} texts in 3 batch compositions`);
    await m?.release();
  });

  test("one text: the shortest and the longest text alone on both sides", async () => {
    const ctx = m.pipeline.context(Infinity);
    const one = rowsOf(await ctx.run([encoded[lo]!]), [encoded[lo]!])[0]!;
    const other = rowsOf(await ctx.run([encoded[hi]!]), [encoded[hi]!])[0]!;
    expect(one.length).toBe(shortest.length);
    expect(other.length).toBe(longest.length);
    expect(note(maxAbsDiff(one, shortest)), TEXTS[lo]).toBeLessThanOrEqual(TOL);
    expect(note(maxAbsDiff(other, longest)), TEXTS[hi]).toBeLessThanOrEqual(TOL);
  });

  test("all texts in one padded call = torch's padded batch = each text alone, row by row", async () => {
    const ctx = m.pipeline.context(Infinity);
    const outs = await ctx.run(encoded);
    // One model call, padded to the longest sequence.
    expect(outs).toHaveLength(1);
    expect(outs[0]!.dims[0]).toBe(TEXTS.length);
    if (outs[0]!.dims.length === 3) expect(outs[0]!.dims[1]).toBe(Math.max(...encoded.map((e) => e.ids.length)));
    const batch = rowsOf(outs, encoded);
    for (const [i, e] of encoded.entries()) {
      const alone = rowsOf(await ctx.run([e]), [e])[0]!;
      expect(note(maxAbsDiff(batch[i]!, together[i]!)), `row ${i}: mesh batch vs torch batch`).toBeLessThanOrEqual(TOL);
      expect(note(maxAbsDiff(alone, together[i]!)), `row ${i}: mesh alone vs torch batch`).toBeLessThanOrEqual(TOL);
      expect(maxAbsDiff(batch[i]!, alone), `row ${i}: mesh batch vs mesh alone`).toBeLessThanOrEqual(TOL);
    }
    expect(note(maxAbsDiff(together[lo]!, shortest)), "torch batch vs torch alone").toBeLessThanOrEqual(TOL);
    expect(note(maxAbsDiff(together[hi]!, longest)), "torch batch vs torch alone").toBeLessThanOrEqual(TOL);
  });

  test("longest and shortest together, in reverse order", async () => {
    const seqs = [encoded[hi]!, encoded[lo]!];
    const ours = rowsOf(await m.pipeline.context(Infinity).run(seqs), seqs);
    expect(note(maxAbsDiff(ours[0]!, pair[0]!))).toBeLessThanOrEqual(TOL);
    expect(note(maxAbsDiff(ours[1]!, pair[1]!))).toBeLessThanOrEqual(TOL);
    expect(note(maxAbsDiff(ours[1]!, shortest))).toBeLessThanOrEqual(TOL);
  });

  test("rawOutputs (what compile's goldens hold) agrees with torch", async () => {
    const ours = await rawOutputs(m.pipeline, TEXTS);
    expect(ours).toHaveLength(TEXTS.length);
    ours.forEach((row, i) => {
      // keyword-extraction's raw output is the pooled (mean, not normalised) document vector.
      const ref = task === "keyword-extraction" ? meanPool(together[i]!, encoded[i]!.ids.length, row.length) : together[i]!;
      expect(note(maxAbsDiff(row, ref)), TEXTS[i]).toBeLessThanOrEqual(TOL);
    });
  });

  test("the outputs depend on the text, on both sides (a constant model would pass the rest)", async () => {
    const head = (r: readonly number[]) => r.slice(0, 3);
    const ours = await rawOutputs(m.pipeline, [TEXTS[1]!, TEXTS[2]!]);
    expect(maxAbsDiff(head(together[1]!), head(together[2]!))).toBeGreaterThan(1e-3);
    expect(maxAbsDiff(head(ours[0]!), head(ours[1]!))).toBeGreaterThan(1e-3);
  });
});
