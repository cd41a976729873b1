/**
 * Model parity: mesh's model outputs (onnxruntime-node over model.onnx, fed by mesh's
 * tokenizer and sequence batching: runtimes/transformers/sequence-runner.ts) against the
 * builder's eager torch module (scripts/models/modeling.py through scripts/models/reference.py)
 * on the same token ids, for all three example models, within 1e-4 max |Δ|.
 *
 * Batch compositions: each text alone; all texts in ONE mesh model call (padded to the
 * longest, attention mask hiding the rest) compared row by row with the texts run alone in
 * torch — so padding and the mask change no row — and with torch's own padded batch; and the
 * longest and shortest texts together in reverse order. The path compile's goldens use
 * (`rawOutputs`) is checked against the same numbers.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { OpenedTransformer } from "../../runtimes/transformers/open.js";
import { rawOutputs } from "../../runtimes/transformers/pipeline.js";
import type { SequenceOutput } from "../../runtimes/transformers/sequence-runner.js";
import type { Encoded } from "../../runtimes/transformers/tokenizer.js";
import { maxAbsDiff, modelDir, openMesh, servingFor, type ModelName } from "./support/parity-models.js";
import { torchOutputs, type TorchBatchOutput } from "./support/torch-reference.js";
import type { TransformerTask } from "../../runtimes/transformers/config.js";

const TOL = 1e-4;

/** Texts of very different lengths (and scripts), shortest first. */
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
function torchRows(out: TorchBatchOutput, lengths: readonly number[]): number[][] {
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
  let alone: number[][]; // torch, each text alone
  let together: number[][]; // torch, all texts as one padded batch
  let pair: number[][]; // torch, [longest, shortest]
  let worst = 0;
  const note = (d: number) => {
    worst = Math.max(worst, d);
    return d;
  };

  beforeAll(async () => {
    m = await openMesh(dir, servingFor(dir, task, { maxLength: 256 }));
    encoded = await m.pipeline.context(Infinity).encode(TEXTS, TEXTS.map(() => "/"));
    const ids = encoded.map((e) => e.ids);
    const lengths = ids.map((r) => r.length);
    expect(new Set(lengths).size).toBe(TEXTS.length); // every row of the batch is padded but the longest
    const last = ids.length - 1;
    const outs = await torchOutputs(dir, [...ids.map((r) => [r]), ids, [ids[last]!, ids[0]!]]);
    alone = ids.map((_, i) => torchRows(outs[i]!, [lengths[i]!])[0]!);
    together = torchRows(outs[ids.length]!, lengths);
    pair = torchRows(outs[ids.length + 1]!, [lengths[last]!, lengths[0]!]);
  });

  afterAll(async () => {
    summary.push(`${name}: max |mesh − torch| = ${worst.toExponential(2)} over ${TEXTS.length} texts × 3 compositions`);
    await m?.release();
  });

  test("one text per model call", async () => {
    const ctx = m.pipeline.context(Infinity);
    for (const [i, e] of encoded.entries()) {
      const ours = rowsOf(await ctx.run([e]), [e])[0]!;
      expect(ours.length).toBe(alone[i]!.length);
      expect(note(maxAbsDiff(ours, alone[i]!)), TEXTS[i]).toBeLessThanOrEqual(TOL);
    }
  });

  test("all texts in one padded call: every row equals the text run alone, and torch's padded batch", async () => {
    const ctx = m.pipeline.context(Infinity);
    const outs = await ctx.run(encoded);
    // One model call, padded to the longest sequence.
    expect(outs).toHaveLength(1);
    expect(outs[0]!.dims[0]).toBe(TEXTS.length);
    if (outs[0]!.dims.length === 3) expect(outs[0]!.dims[1]).toBe(Math.max(...encoded.map((e) => e.ids.length)));
    const ours = rowsOf(outs, encoded);
    ours.forEach((row, i) => {
      expect(note(maxAbsDiff(row, alone[i]!)), `row ${i} vs alone`).toBeLessThanOrEqual(TOL);
      expect(note(maxAbsDiff(row, together[i]!)), `row ${i} vs torch batch`).toBeLessThanOrEqual(TOL);
    });
  });

  test("longest and shortest together, in reverse order", async () => {
    const last = encoded.length - 1;
    const seqs = [encoded[last]!, encoded[0]!];
    const ours = rowsOf(await m.pipeline.context(Infinity).run(seqs), seqs);
    expect(note(maxAbsDiff(ours[0]!, pair[0]!))).toBeLessThanOrEqual(TOL);
    expect(note(maxAbsDiff(ours[1]!, pair[1]!))).toBeLessThanOrEqual(TOL);
    expect(note(maxAbsDiff(ours[1]!, alone[0]!))).toBeLessThanOrEqual(TOL);
  });

  test("rawOutputs (what compile's goldens hold) agrees with torch", async () => {
    const ours = await rawOutputs(m.pipeline, TEXTS);
    expect(ours).toHaveLength(TEXTS.length);
    ours.forEach((row, i) => {
      // keyword-extraction's raw output is the pooled (mean, not normalised) document vector.
      const ref = task === "keyword-extraction" ? meanPool(alone[i]!, encoded[i]!.ids.length, row.length) : alone[i]!;
      expect(note(maxAbsDiff(row, ref)), TEXTS[i]).toBeLessThanOrEqual(TOL);
    });
  });

  test("the outputs depend on the text (a constant model would pass the rest)", () => {
    const first = (r: number[]) => r.slice(0, 3);
    expect(maxAbsDiff(first(alone[1]!), first(alone[2]!))).toBeGreaterThan(1e-3);
  });
});
