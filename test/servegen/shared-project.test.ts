/**
 * The serving and client generators print on one ts-morph project per process (it is costly
 * to create): whatever was generated before in the same process must not show in the output.
 * Interleaving projects, and repeating one, gives each the bytes it gets alone.
 */
import { expect, test } from "vitest";
import { generateClient } from "../../generators/client/index.js";
import { memoryProject } from "../../generators/serving/memory-project.js";
import { generateServing } from "../../generators/serving/index.js";
import { appIR, exampleIR } from "./fixtures.js";

test.each([
  ["serving", generateServing],
  ["client", generateClient],
] as const)("%s: interleaved generations give each project the bytes it got the first time", async (_name, generate) => {
  const irs = [await exampleIR("spam"), await exampleIR("iris"), await exampleIR("colors"), appIR({ labels: ["a", "b", "c"] })];
  const first = irs.map((ir) => generate(ir));
  // Reverse order, twice: every module path is built again right after another project's
  // module of the same path (the case a cache keyed by file name gets wrong).
  for (let round = 0; round < 2; round++) {
    for (let i = irs.length - 1; i >= 0; i--) expect(generate(irs[i]!)).toEqual(first[i]);
  }
});

test("the shared project keeps no files or folders between generations", async () => {
  generateServing(await exampleIR("iris"));
  generateClient(appIR());
  expect(memoryProject().getSourceFiles()).toHaveLength(0);
  expect(memoryProject().getDirectories()).toHaveLength(0);
});
