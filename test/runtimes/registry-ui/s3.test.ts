/**
 * The registry browser over an S3 registry (s3rver on 127.0.0.1): the same views read through
 * the same registry interface — a real trained and compiled version, an alias, lineage and
 * the training record — and the page draws it in chromium.
 */
import { chromium } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { compileTarget } from "../../../runtimes/compile/index.js";
import { openRegistry } from "../../../runtimes/registry/index.js";
import { startUiServer, type UiServer } from "../../../runtimes/registry-ui/server.js";
import { train, type ModelConfig } from "../../../runtimes/train/index.js";
import { registerRows } from "../../support/lifecycle/datasets.js";
import { blobs } from "../../support/lifecycle/synthetic.js";
import { startS3rver, type S3rverHandle } from "../../support/s3rver.js";

let s3: S3rverHandle;
let ui: UiServer;

beforeAll(async () => {
  s3 = await startS3rver();
}, 60_000);

afterAll(async () => {
  await ui?.close();
  await s3?.stop();
});

test("an S3 registry browses like a folder: card, lineage, alias, curves and confusion matrix", async () => {
  const registry = openRegistry(`s3://${s3.bucket}/ui`, { env: s3.env });
  const model: ModelConfig = { labels: ["x", "y", "z"], target: "label", features: { kind: "standardize", columns: ["a", "b"] } };
  const ctx = { project: "tab", key: "TAB", specHash: "d".repeat(64), toolVersion: "0.1.0", registry, log: () => {} };
  const dataset = await registerRows(registry, "tab", blobs(120, 3), model.labels, { a: "number", b: "number" });
  const trained = await train(
    { trainer: "mlp", params: { epochs: 15, learningRate: 0.02, l2: 0.0001, batchSize: 16, optimizer: "adam", hidden: [8], patience: 5, seed: 1 }, gates: [], goldenSamples: 8 },
    model,
    ctx,
    dataset,
  );
  const target = { kind: "onnx", optimization: "all" } as const;
  const compiled = await compileTarget({ targets: [target], validate: { samples: 8, atol: 1e-4, rtol: 1e-3 } }, target, ctx, trained);
  await registry.setAlias("tab", "staging", compiled.ref, { by: "ci" });

  ui = await startUiServer(registry, { host: "127.0.0.1", port: 0 });
  const v = (await fetch(`${ui.url}api/projects/tab/versions/TAB-TRAINED-1`).then((r) => r.json())) as {
    lineage: { children: string[]; dataset: string };
    training: { evaluation: { matrix: number[][] } };
  };
  expect(v.lineage).toMatchObject({ children: ["TAB-COMPILED-1"], dataset: dataset.card.id });
  expect(v.training.evaluation.matrix).toEqual(trained.card.training!.evaluation!.matrix);

  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    await page.goto(`${ui.url}#/p/tab/v/TAB-COMPILED-1`);
    await page.waitForSelector("main[data-ready] [data-confusion]");
    await expect(page.locator("#registry-uri").textContent()).resolves.toBe(`s3://${s3.bucket}/ui`);
    await expect(page.locator("h1 .badge.alias").textContent()).resolves.toBe("staging");
    const cells = await page.locator("[data-confusion] td.cell").allTextContents();
    expect(cells.map(Number)).toEqual(trained.card.training!.evaluation!.matrix.flat());
    await expect(page.locator("[data-command=promote]").textContent()).resolves.toBe(`mesh registry promote tab/TAB-COMPILED-1 --alias production --registry s3://${s3.bucket}/ui`);
    expect(problems).toEqual([]);
  } finally {
    await browser.close();
  }
}, 120_000);
