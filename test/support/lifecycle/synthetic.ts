/** Small seeded synthetic datasets for trainer tests. */
import { mulberry32 } from "../../../runtimes/train/prng.js";
import type { LabelledRows, Row } from "../../../runtimes/train/dataset-rows.js";

function gaussian(rng: () => number): number {
  const u = Math.max(rng(), 1e-12);
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

function split(rows: Row[], y: number[], testEvery = 4): LabelledRows {
  const out: LabelledRows = { train: { rows: [], y: [] }, test: { rows: [], y: [] } };
  rows.forEach((r, i) => {
    const s = i % testEvery === 0 ? out.test : out.train;
    s.rows.push(r);
    s.y.push(y[i]!);
  });
  return out;
}

/** Three Gaussian blobs in (a, b), far apart, with an offset and scale that need standardising. */
export function blobs(n: number, seed = 1, spread = 0.5): LabelledRows {
  const rng = mulberry32(seed);
  const centres = [
    [0, 0],
    [4, 0],
    [0, 4],
  ] as const;
  const rows: Row[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    rows.push({ a: 100 + (centres[c]![0] + gaussian(rng) * spread) * 10, b: centres[c]![1] + gaussian(rng) * spread });
    y.push(c);
  }
  return split(rows, y);
}

/** XOR of the signs of (a, b): not linearly separable. */
export function xor(n: number, seed = 2): LabelledRows {
  const rng = mulberry32(seed);
  const rows: Row[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = (rng() < 0.5 ? -1 : 1) * (0.5 + rng());
    const b = (rng() < 0.5 ? -1 : 1) * (0.5 + rng());
    rows.push({ a, b });
    y.push(a * b > 0 ? 1 : 0);
  }
  return split(rows, y);
}

const HAM = ["meeting", "notes", "tuesday", "review", "attached", "project", "lunch", "schedule", "report", "team"];
const SPAM = ["free", "winner", "cash", "prize", "click", "offer", "cheap", "pills", "urgent", "money"];
const COMMON = ["the", "a", "to", "and", "you", "for", "is", "on", "with", "this"];

/** Short texts drawn from a ham or spam vocabulary plus common words; `noise` flips labels. */
export function texts(n: number, seed = 3, noise = 0): LabelledRows {
  const rng = mulberry32(seed);
  const pick = (list: readonly string[]) => list[Math.floor(rng() * list.length)]!;
  const rows: Row[] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    const words = Array.from({ length: 8 }, () => (rng() < 0.5 ? pick(COMMON) : pick(label ? SPAM : HAM)));
    rows.push({ text: words.join(" ") });
    y.push(rng() < noise ? 1 - label : label);
  }
  return split(rows, y);
}
