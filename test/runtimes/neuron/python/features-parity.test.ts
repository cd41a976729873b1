/**
 * The Python featurizer of the Neuron scripts and server (generated featurizers.py) gives
 * bit-identical rows to runtimes/features: checked on shared vectors written from the
 * TypeScript code (fixtures/feature-vectors.json, plus the lifecycle's own fixture), and on
 * random texts drawn from every character class that matters (a seeded generator, so a
 * failure reproduces).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, test } from "vitest";
import { encodeHashedNgrams } from "../../../../runtimes/features/index.js";
import { featurizersPy } from "../../../../runtimes/neuron/python/featurizers-py.js";
import { PYTHON, REPO, run, scratch } from "../../../support/neuron/support.js";

interface Case {
  text: string;
  dims: number;
  ngrams: [number, number];
  lowercase: boolean;
  maxChars: number;
  nonzero: Record<string, number>;
}

const FIXTURE = path.join(import.meta.dirname, "../../../fixtures/neuron/feature-vectors.json");
const LIFECYCLE_FIXTURE = path.join(REPO, "test/fixtures/lifecycle/hashed-ngrams-vectors.json");
const cases = (file: string) => (JSON.parse(fs.readFileSync(file, "utf8")) as { cases: Case[] }).cases;

function tsRow(c: Omit<Case, "nonzero">): Record<string, number> {
  const out = new Float32Array(c.dims);
  encodeHashedNgrams(c.text, c, out, 0);
  const nonzero: Record<string, number> = {};
  out.forEach((v, i) => {
    if (v !== 0) nonzero[String(i)] = v;
  });
  return nonzero;
}

async function pythonMismatches(vectorsFile: string): Promise<{ cases: number; mismatches: number[] }> {
  const dir = scratch("featurizers");
  fs.writeFileSync(path.join(dir, "featurizers.py"), featurizersPy("test copy"));
  const r = await run(PYTHON, [path.join(import.meta.dirname, "../../../fixtures/neuron/check_vectors.py"), dir, vectorsFile]);
  fs.rmSync(dir, { recursive: true, force: true });
  expect(r.stderr).toBe("");
  return JSON.parse(r.stdout) as { cases: number; mismatches: number[] };
}

describe("shared vectors", () => {
  test.each(cases(FIXTURE).map((c, i) => [i, c] as const))("TypeScript reproduces case %i", (_, c) => {
    expect(tsRow(c)).toEqual(c.nonzero);
  });

  test("the generated featurizers.py reproduces every case bit for bit", async () => {
    const all = cases(FIXTURE);
    expect(all.length).toBeGreaterThan(15);
    expect(await pythonMismatches(FIXTURE)).toEqual({ cases: all.length, mismatches: [] });
  });

  test("and every case of the lifecycle's pinned vectors", async () => {
    expect(await pythonMismatches(LIFECYCLE_FIXTURE)).toEqual({ cases: cases(LIFECYCLE_FIXTURE).length, mismatches: [] });
  });

  test("a wrong expectation is caught (the check can fail)", async () => {
    const dir = scratch("vectors");
    const bad = cases(FIXTURE).slice(0, 2);
    const first = Object.keys(bad[0]!.nonzero)[0]!;
    bad[0]!.nonzero[first] = bad[0]!.nonzero[first]! + 1e-7;
    fs.writeFileSync(path.join(dir, "v.json"), JSON.stringify({ cases: bad }));
    expect((await pythonMismatches(path.join(dir, "v.json"))).mismatches).toEqual([0]);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

/** Mulberry32: a tiny seeded PRNG, so a failing text can be reproduced from its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = [
  "a",
  "Z",
  "é",
  "e\u0301",
  "ß",
  "ẞ",
  "İ",
  "Σ",
  "σ",
  "ς",
  "ﬁ",
  "日",
  "本",
  "😀",
  "𝒜",
  "٣",
  "²",
  "Ⅻ",
  "½",
  "_",
  "-",
  " ",
  "  ",
  "\t",
  "\n",
  ".",
  ",",
  "!",
  "\u200d",
  "ǅ",
  "Ꭰ",
  "ꭰ",
  "1",
  "0",
  "ı",
  "K",
  "Å",
];

test("random texts from every tricky character class give the same rows in Python", async () => {
  const rnd = prng(20261126);
  const random: Omit<Case, "nonzero">[] = [];
  for (let i = 0; i < 300; i++) {
    let text = "";
    const len = Math.floor(rnd() * 60);
    for (let k = 0; k < len; k++) text += PIECES[Math.floor(rnd() * PIECES.length)]!;
    random.push({
      text,
      dims: [1, 7, 64, 4096][i % 4]!,
      ngrams: [
        [1, 1],
        [1, 2],
        [2, 3],
      ][i % 3] as [number, number],
      lowercase: i % 5 !== 0,
      maxChars: 1 + Math.floor(rnd() * 70),
    });
  }
  const dir = scratch("random");
  const file = path.join(dir, "random.json");
  fs.writeFileSync(file, JSON.stringify({ cases: random.map((c) => ({ ...c, nonzero: tsRow(c) })) }));
  const r = await pythonMismatches(file);
  fs.rmSync(dir, { recursive: true, force: true });
  expect(r.mismatches.map((i) => JSON.stringify(random[i]))).toEqual([]);
  expect(r.cases).toBe(300);
});
