/**
 * Registries for the browser tests, built with the real registry, register, train and compile
 * code on a file:// registry in a temporary folder:
 *
 * - `demo`: a 3-class tabular dataset → DEMO-TRAINED-1 (MLP) and DEMO-TRAINED-2 (other params)
 *   → DEMO-COMPILED-1 (ONNX, validated against its parent's goldens); aliases production →
 *   DEMO-COMPILED-1 and candidate → DEMO-TRAINED-2 (set through setAlias).
 * - `evil`: a version whose params, metrics, golden inputs and alias reason carry HTML and
 *   script, published through publishModel like any other.
 * - `big`: 10,000 versions of one model. The first is published through publishModel; the
 *   other folders are that version's files with the id rewritten, written in the file
 *   backend's layout (the file backend fsyncs every publish, ~28 ms each here, so 10,000
 *   real publishes would take minutes).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileTarget } from "../../../runtimes/compile/index.js";
import { encodeCard } from "../../../runtimes/registry/cards.js";
import { openRegistry } from "../../../runtimes/registry/index.js";
import type { MeshRegistry, ModelCard, ModelRef } from "../../../runtimes/registry/types.js";
import { train, type ModelConfig, type TrainConfig } from "../../../runtimes/train/index.js";
import { registerRows } from "../lifecycle/datasets.js";
import { blobs } from "../lifecycle/synthetic.js";

export const HOSTILE = {
  description: `<img src=x onerror="alert('description')"><b>bold</b>`,
  metric: "<script>alert(1)</script>",
  input: `</td><script>alert('golden')</script>`,
  reason: `<iframe src="javascript:alert('reason')"></iframe>`,
} as const;

export const BIG_VERSIONS = 10_000;

const model: ModelConfig = { labels: ["setosa", "versicolor", "virginica"], target: "label", features: { kind: "standardize", columns: ["a", "b"] } };
const cfg = (over: Partial<TrainConfig["params"]>): TrainConfig => ({
  trainer: "mlp",
  params: { epochs: 30, learningRate: 0.01, l2: 0.0001, batchSize: 16, optimizer: "adam", hidden: [8], patience: 10, seed: 1, ...over },
  gates: [],
  goldenSamples: 12,
});

export interface BuiltRegistry {
  readonly root: string;
  readonly uri: string;
  readonly registry: MeshRegistry;
  readonly cards: Readonly<Record<string, ModelCard>>;
  cleanup(): Promise<void>;
}

export async function buildRegistry(): Promise<BuiltRegistry> {
  const root = await mkdtemp(join(tmpdir(), "mesh-registry-ui-"));
  const uri = `file://${root}`;
  const registry = openRegistry(uri);
  const ctx = (project: string, key: string) => ({ project, key, specHash: "a1".repeat(32), toolVersion: "0.1.0", registry, log: () => {} });

  const dataset = await registerRows(registry, "demo", blobs(240, 7, 1.1), model.labels, { a: "number", b: "number" });
  const t1 = await train(cfg({}), model, ctx("demo", "DEMO"), dataset);
  const t2 = await train(cfg({ epochs: 60, learningRate: 0.03, hidden: [16], seed: 2 }), model, ctx("demo", "DEMO"), dataset);
  const c1 = await compileTarget(
    { targets: [{ kind: "onnx", optimization: "all" }], validate: { samples: 12, atol: 1e-4, rtol: 1e-3 } },
    { kind: "onnx", optimization: "all" },
    ctx("demo", "DEMO"),
    t1,
  );
  await registry.setAlias("demo", "production", c1.ref, { by: "release-bot", reason: "first release" });
  await registry.setAlias("demo", "candidate", t2.ref, { by: "ana", reason: "wider hidden layer" });

  // Hostile content, through the same publish path as real versions.
  const onnx = await registry.readModelFile(t1.ref, "model.onnx");
  const { id: _i, files: _f, createdAt: _c, sizes: _s, ...base } = t1.card;
  const evil: Omit<ModelCard, "id" | "files" | "createdAt"> = {
    ...base,
    project: "evil",
    params: { ...base.params, description: HOSTILE.description },
    metrics: { ...base.metrics, [HOSTILE.metric]: 0.5 },
    training: {
      ...base.training,
      evaluation: { ...base.training!.evaluation!, labels: [HOSTILE.metric, "b", "c"], perClass: base.training!.evaluation!.perClass.map((c, i) => (i === 0 ? { ...c, label: HOSTILE.metric } : c)) },
    },
  };
  const golden = (text: string) => Buffer.from(JSON.stringify([{ a: 1, b: text }]));
  const evilRef = await registry.publishModel(
    "evil",
    "EVIL",
    "TRAINED",
    { "model.onnx": onnx, "test_files/inputs.json": golden(HOSTILE.input), "test_files/predictions.json": Buffer.from("[[0.2,0.3,0.5]]") },
    evil,
  );
  await registry.setAlias("evil", "production", evilRef, { by: "<b>mallory</b>", reason: HOSTILE.reason });

  // A pretrained transformer's version: no curves, its sample documents and golden outputs only.
  const tokens = Array.from({ length: 40 }, (_, i) => (i % 5) / 10);
  await registry.publishModel(
    "ner",
    "NER",
    "TRAINED",
    {
      "model.onnx": onnx,
      "test_files/inputs.json": Buffer.from(JSON.stringify([{ content: "Maria Lopez flew to Boston." }, { content: "Acme hired Bo." }])),
      "test_files/predictions.json": Buffer.from(JSON.stringify([tokens, tokens])),
    },
    {
      type: "trained",
      project: "ner",
      specHash: "e".repeat(64),
      params: { trainer: "pretrained", source: "file://model", labels: ["O", "B-PER"] },
      metrics: { goldenSamples: 2 },
      toolVersion: "0.1.0",
      training: { samples: 2 },
    },
  );

  await bigProject(registry, root);

  const cards: Record<string, ModelCard> = {};
  for (const r of [t1.ref, t2.ref, c1.ref] as ModelRef[]) cards[`${r.key}-${r.stage}-${r.version}`] = await registry.readModelCard(r);
  return { root, uri, registry, cards, cleanup: () => rm(root, { recursive: true, force: true }) };
}

async function bigProject(registry: MeshRegistry, root: string): Promise<void> {
  const first = await registry.publishModel(
    "big",
    "BIG",
    "TRAINED",
    {},
    { type: "trained", project: "big", specHash: "b2".repeat(32), params: { trainer: "mlp" }, metrics: { accuracy: 0.5 }, toolVersion: "0.1.0" },
  );
  const card = JSON.parse(await readFile(join(root, "big/models/BIG-TRAINED/1/card.json"), "utf8")) as ModelCard;
  for (let n = first.version + 1; n <= BIG_VERSIONS; n++) {
    const dir = join(root, "big/models/BIG-TRAINED", String(n));
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "card.json"), encodeCard({ ...card, id: `BIG-TRAINED-${n}`, metrics: { accuracy: Math.round((0.5 + (n % 500) / 1000) * 1e4) / 1e4 } }));
  }
}
