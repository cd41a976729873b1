/**
 * Deterministic, stratified train/test split. Within each label, rows are ordered by a
 * seeded hash of their content (not by position), and the first round(n × test) go to
 * test. So the split depends only on the seed and the rows themselves: reordering the
 * source changes nothing, and each label keeps its share in both halves.
 */
import { createHash } from "node:crypto";
import type { Split } from "./types.js";

export interface SplitInput {
  /** Content hash of the row (hex). */
  readonly hash: string;
  /** Stratum, usually the label; "" when there is none. */
  readonly stratum: string;
}

export function splitRows(rows: readonly SplitInput[], test: number, seed: number): Split[] {
  const strata = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const list = strata.get(r.stratum) ?? [];
    list.push(i);
    strata.set(r.stratum, list);
  });
  const out: Split[] = rows.map(() => "train");
  const key = (i: number) => createHash("sha256").update(`${seed}\n${rows[i]!.hash}`).digest("hex");
  for (const members of strata.values()) {
    const keyed = members.map((i) => ({ i, k: key(i) })).sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : a.i - b.i));
    // Keep at least one training row per label when there is more than one row.
    const nTest = Math.min(Math.round(members.length * test), Math.max(members.length - 1, 0));
    for (let j = 0; j < nTest; j++) out[keyed[j]!.i] = "test";
  }
  return out;
}
