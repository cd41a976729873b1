/**
 * The happy path a user walks: `mesh run iris` twice (the second with changed params),
 * `mesh registry promote IRIS-COMPILED-1 --alias production`, then `mesh registry ui` over that
 * registry, looked at in chromium: the production badge, lineage, the card's own numbers,
 * drawn curves and confusion matrix. Its screenshot is the one in the README
 * (docs/registry-ui.png is a copy of .vitest-tmp/screenshots/iris-compiled.png).
 */
import * as fs from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { afterAll, expect, test } from "vitest";
import { registryPromote } from "../../../compiler/cli/commands/registry-aliases.js";
import { registryUi } from "../../../compiler/cli/commands/registry-ui.js";
import { openRegistry } from "../../../runtimes/registry/index.js";
import { exampleWorkspace, meshRun } from "../../support/lifecycle/run-cli.js";

// Callbacks passed to page.evaluate/waitForFunction run in the browser; the project's lib has
// no DOM types, so the little these tests touch is declared here.
declare const document: {
  querySelector(selector: string): { textContent: string | null } | null;
  querySelectorAll(selector: string): { length: number };
  addEventListener(type: "securitypolicyviolation", listener: (e: { violatedDirective: string; blockedURI: string }) => void): void;
};
type Canvas = { width: number; height: number; getContext(kind: "2d"): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null };

const SHOTS = join(process.cwd(), ".vitest-tmp", "screenshots");
const root = exampleWorkspace("iris");
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

test("mesh run iris ×2, promote, mesh registry ui: the page shows what the registry holds", async () => {
  fs.mkdirSync(SHOTS, { recursive: true });
  expect((await meshRun(root, "iris", { registry: "file://reg" })).code).toBe(0);
  const spec = join(root, "projects/iris/project.yaml");
  fs.writeFileSync(spec, fs.readFileSync(spec, "utf8").replace("epochs: 200, learning_rate: 0.01, hidden: [16]", "epochs: 120, learning_rate: 0.02, hidden: [8]"));
  expect((await meshRun(root, "iris", { registry: "file://reg" })).code).toBe(0);
  const ctx = { cwd: root, env: {}, stdout: () => {}, stderr: (t: string) => process.stderr.write(t) };
  expect(await registryPromote("IRIS-COMPILED-1", { alias: "production", reason: "first release", by: "ci", registry: "file://reg", format: "text" }, ctx)).toBe(0);

  const registry = openRegistry(`file://${join(root, "reg")}`);
  const card = await registry.readModelCard({ project: "iris", key: "IRIS", stage: "COMPILED", version: 1 });
  const parent = await registry.readModelCard({ project: "iris", key: "IRIS", stage: "TRAINED", version: 1 });

  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  let url = "";
  const listening = new Promise<void>((resolve) => {
    void registryUi({ registry: "file://reg", port: 0, host: "127.0.0.1" }, ctx, stopped, (u) => {
      url = u;
      resolve();
    });
  });
  await listening;
  const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
    page.on("pageerror", (e) => problems.push(e.message));
    await page.goto(`${url}#/p/iris/v/IRIS-COMPILED-1`);
    await page.waitForSelector("main[data-ready] [data-confusion]");
    await expect(page.locator("h1 .badge.alias").textContent()).resolves.toBe("production");
    await expect(page.locator("[data-lineage] [data-node]").evaluateAll((ns) => ns.map((n) => `${n.getAttribute("data-node")}:${n.lastElementChild!.textContent}`))).resolves.toEqual([
      "dataset:iris-1",
      "trained:IRIS-TRAINED-1",
      "compiled:IRIS-COMPILED-1",
      "alias:production",
    ]);
    const cells = await page.locator("[data-confusion] td.cell").allTextContents();
    expect(cells.map(Number)).toEqual(parent.training!.evaluation!.matrix.flat());
    expect((card.metrics as { accuracy: number }).accuracy).toBe((parent.metrics as { accuracy: number }).accuracy);
    await expect(page.locator("[data-metrics]").textContent()).resolves.toContain(`accuracy${(card.metrics as { accuracy: number }).accuracy.toFixed(4)}`);
    const ink = await page.$eval("[data-chart=loss] canvas", (c) => {
      const el = c as unknown as Canvas;
      return el
        .getContext("2d")!
        .getImageData(0, 0, el.width, el.height)
        .data.filter((_, i) => i % 4 === 3 && _ > 0).length;
    });
    expect(ink).toBeGreaterThan(1000);
    await page.screenshot({ path: join(SHOTS, "iris-compiled.png"), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1250 } });
    await page.goto(`${url}#/p/iris/compare/IRIS-TRAINED-1/IRIS-TRAINED-2`);
    await page.waitForSelector("main[data-ready] [data-compare-metrics]");
    await page.screenshot({ path: join(SHOTS, "iris-compare.png"), fullPage: true });
    expect(problems).toEqual([]);
  } finally {
    await browser.close();
    stop();
  }
}, 120_000);
