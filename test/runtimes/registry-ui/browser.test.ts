/**
 * The registry browser in a real browser: Debian's chromium driven by playwright-core over a
 * registry built with the real register/train/compile/alias code. Checks what a user sees:
 * no console errors or CSP violations, the card and its charts drawn, lineage links that
 * navigate, comparison deltas equal to the cards' numbers, hostile registry text shown
 * literally with no script run, and a 10,000-version project answered one page at a time.
 * Screenshots land in .vitest-tmp/screenshots/.
 */
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { flatMetrics } from "../../../runtimes/registry-ui/views.js";
import { startUiServer, type UiServer } from "../../../runtimes/registry-ui/server.js";
import { BIG_VERSIONS, HOSTILE, buildRegistry, type BuiltRegistry } from "../../support/registry-ui/registries.js";

// Callbacks passed to page.evaluate/waitForFunction run in the browser; the project's lib has
// no DOM types, so the little these tests touch is declared here.
declare const document: {
  querySelector(selector: string): { textContent: string | null } | null;
  querySelectorAll(selector: string): { length: number };
  addEventListener(type: "securitypolicyviolation", listener: (e: { violatedDirective: string; blockedURI: string }) => void): void;
};
type Canvas = { width: number; height: number; getContext(kind: "2d"): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } } | null };

const SHOTS = join(process.cwd(), ".vitest-tmp", "screenshots");

let built: BuiltRegistry;
let ui: UiServer;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  built = await buildRegistry();
  ui = await startUiServer(built.registry, { host: "127.0.0.1", port: 0 });
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await ui?.close();
  await built?.cleanup();
});

interface Watched {
  readonly page: Page;
  readonly problems: string[];
  readonly dialogs: string[];
}

async function open(hash: string, width = 1280): Promise<Watched> {
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  const problems: string[] = [];
  const dialogs: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error" || m.type() === "warning") problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
  page.on("dialog", (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto(`${ui.url}${hash}`);
  await page.waitForSelector("main[data-ready]");
  return { page, problems, dialogs };
}

/** Pixels drawn on a canvas (alpha > 0): a blank canvas has none. */
const inked = (page: Page, selector: string) =>
  page.$eval(`${selector} canvas`, (c) => {
    const canvas = c as unknown as Canvas;
    const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
    let n = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) n++;
    return { n, width: canvas.width, height: canvas.height };
  });

const settled = (page: Page) => page.waitForFunction(() => document.querySelectorAll("table[data-list] tbody tr").length > 0 || !document.querySelector("table[data-list]"));

describe("mesh registry ui in chromium", () => {
  test("the project list and a project page load with no console errors, aliases shown", async () => {
    const { page, problems } = await open("#/");
    for (const p of ["demo", "evil", "big", "ner"]) await expect(page.locator("main a", { hasText: new RegExp(`^${p}$`) }).count()).resolves.toBe(1);
    await expect(page.locator("#registry-uri").textContent()).resolves.toBe(built.uri);
    await page.click("main a:text-is('demo')");
    await page.waitForSelector("table[data-list='model:DEMO-TRAINED'] tbody tr");
    await settled(page);
    const aliasRows = await page.locator("table[data-list=aliases] tbody tr").allTextContents();
    expect(aliasRows.some((t) => t.startsWith("candidate") && t.includes("DEMO-TRAINED-2") && t.includes("wider hidden layer"))).toBe(true);
    expect(aliasRows.some((t) => t.startsWith("production") && t.includes("DEMO-COMPILED-1"))).toBe(true);
    // Newest first, with the alias badge on the row it points at.
    await expect(page.locator("table[data-list='model:DEMO-TRAINED'] tbody tr").first().getAttribute("data-id")).resolves.toBe("DEMO-TRAINED-2");
    await expect(page.locator("tr[data-id='DEMO-COMPILED-1'] .badge.alias").textContent()).resolves.toBe("production");
    await page.screenshot({ path: join(SHOTS, "project.png"), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  test("a trained version's card, curves, confusion matrix and balance render from its card", async () => {
    const card = built.cards["DEMO-TRAINED-1"]!;
    const { page, problems } = await open("#/p/demo/v/DEMO-TRAINED-1");
    await expect(page.locator("h1").textContent()).resolves.toContain("DEMO-TRAINED-1");
    const metrics = await page.locator("[data-metrics] tr").allTextContents();
    const accuracy = (card.metrics as { accuracy: number }).accuracy;
    expect(metrics).toContain(`accuracy${accuracy.toFixed(4)}`);
    await expect(page.getByText(card.specHash, { exact: true }).count()).resolves.toBe(1);
    await expect(page.getByText(card.dataset!.sha256).count()).resolves.toBeGreaterThan(0);
    for (const chart of ["loss", "accuracy", "confusion", "balance"]) {
      const ink = await inked(page, `[data-chart=${chart}]`);
      expect(ink.width, chart).toBeGreaterThan(100);
      expect(ink.n, `${chart} canvas has ink`).toBeGreaterThan(1000);
    }
    // The confusion matrix table holds exactly the card's numbers.
    const cells = await page.locator("[data-confusion] td.cell").allTextContents();
    expect(cells.map(Number)).toEqual(card.training!.evaluation!.matrix.flat());
    const perClass = await page.locator("[data-per-class] tbody tr").count();
    expect(perClass).toBe(3);
    await expect(page.locator("[data-tensors] tbody tr").count()).resolves.toBeGreaterThanOrEqual(2);
    await expect(page.locator("[data-golden] tbody tr").count()).resolves.toBe(10);
    await page.screenshot({ path: join(SHOTS, "version-trained.png"), fullPage: true });
    await page.screenshot({ path: join(SHOTS, "readme.png"), fullPage: true, clip: { x: 0, y: 0, width: 1280, height: 1400 } });
    expect(problems).toEqual([]);
    await page.close();
  });

  test("lineage links navigate dataset → trained → compiled → alias, both ways", async () => {
    const { page, problems } = await open("#/p/demo/v/DEMO-COMPILED-1");
    const c = built.cards["DEMO-COMPILED-1"]!;
    const validation = (c.metrics as { validation: { maxAbsDiff: number } }).validation;
    await expect(page.locator("[data-metrics]").textContent()).resolves.toContain("validation.maxAbsDiff");
    expect(validation.maxAbsDiff).toBeLessThanOrEqual(1e-4);
    await expect(page.locator("[data-command=promote]").textContent()).resolves.toBe(`mesh registry promote demo/DEMO-COMPILED-1 --alias production --registry ${built.uri}`);
    // The compiled version draws its trained parent's curves, and says so.
    expect((await inked(page, "[data-chart=loss]")).n).toBeGreaterThan(1000);
    await page.screenshot({ path: join(SHOTS, "version-compiled.png"), fullPage: true });
    await page.click("[data-lineage] [data-node=trained] a");
    await page.waitForFunction(() => document.querySelector("h1")?.textContent?.startsWith("DEMO-TRAINED-1"));
    expect(page.url()).toMatch(/#\/p\/demo\/v\/DEMO-TRAINED-1$/);
    await page.click("[data-lineage] [data-node=compiled] a");
    await page.waitForFunction(() => document.querySelector("h1")?.textContent?.startsWith("DEMO-COMPILED-1"));
    await page.click("[data-lineage] [data-node=dataset] a");
    await page.waitForSelector("[data-trained-on]");
    expect(page.url()).toMatch(/#\/p\/demo\/d\/d\/1$/);
    await expect(page.locator("[data-trained-on] li").allTextContents()).resolves.toEqual(["DEMO-TRAINED-2", "DEMO-TRAINED-1"]);
    expect((await inked(page, "[data-chart=dataset-balance]")).n).toBeGreaterThan(1000);
    await expect(page.locator("[data-balance] tbody tr").count()).resolves.toBe(4); // three labels and the totals
    await page.screenshot({ path: join(SHOTS, "dataset.png"), fullPage: true });
    await page.goBack();
    await page.waitForFunction(() => document.querySelector("h1")?.textContent?.startsWith("DEMO-COMPILED-1"));
    await page.click("[data-lineage] [data-node=alias] a");
    await page.waitForSelector("table[data-list=aliases]");
    expect(page.url()).toMatch(/#\/p\/demo$/);
    expect(problems).toEqual([]);
    await page.close();
  });

  test("the comparison shows B − A for every metric, from the two cards, and overlays the curves", async () => {
    const { page, problems } = await open("#/p/demo");
    await page.waitForSelector("tr[data-id='DEMO-TRAINED-1'] input[data-compare]");
    await page.check("input[data-compare='DEMO-TRAINED-1']");
    await page.check("input[data-compare='DEMO-TRAINED-2']");
    await page.click("button[data-action=compare]");
    await page.waitForSelector("[data-compare-metrics] tbody tr");
    expect(page.url()).toMatch(/#\/p\/demo\/compare\/DEMO-TRAINED-1\/DEMO-TRAINED-2$/);
    const a = flatMetrics(built.cards["DEMO-TRAINED-1"]!.metrics);
    const b = flatMetrics(built.cards["DEMO-TRAINED-2"]!.metrics);
    const rows = await page.$$eval("[data-compare-metrics] tbody tr", (trs) =>
      trs.map((tr) => ({ name: tr.getAttribute("data-metric")!, delta: tr.querySelector("[data-delta]")!.getAttribute("data-delta")!, shown: tr.lastElementChild!.textContent! })),
    );
    expect(rows.map((r) => r.name).sort()).toEqual(Object.keys(a).sort());
    for (const r of rows) {
      const want = b[r.name]! - a[r.name]!;
      expect(Number(r.delta), r.name).toBe(want);
    }
    const acc = rows.find((r) => r.name === "accuracy")!;
    const d = b.accuracy! - a.accuracy!;
    expect(acc.shown).toBe(d === 0 ? "0" : `${d > 0 ? "+" : ""}${d.toFixed(4)}`);
    const perClass = await page.$$eval("[data-compare-per-class] tbody tr", (trs) =>
      trs.map((tr) => ({ label: tr.getAttribute("data-label")!, delta: Number(tr.querySelector("[data-delta]")!.getAttribute("data-delta")) })),
    );
    const ea = built.cards["DEMO-TRAINED-1"]!.training!.evaluation!.perClass;
    const eb = built.cards["DEMO-TRAINED-2"]!.training!.evaluation!.perClass;
    expect(perClass).toEqual(ea.map((c, i) => ({ label: c.label, delta: eb[i]!.f1 - c.f1 })));
    expect((await inked(page, "[data-chart=compare-loss]")).n).toBeGreaterThan(1000);
    expect((await inked(page, "[data-chart=compare-accuracy]")).n).toBeGreaterThan(1000);
    await page.screenshot({ path: join(SHOTS, "compare.png"), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  test("a pretrained version shows what it has (samples and golden outputs) and no invented curves", async () => {
    const { page, problems } = await open("#/p/ner/v/NER-TRAINED-1");
    await page.waitForSelector("[data-golden]");
    await expect(page.getByText("Not trained by mesh (pretrained): 2 sample documents recorded as golden files.").isVisible()).resolves.toBe(true);
    await expect(page.locator("canvas").count()).resolves.toBe(0);
    await expect(page.locator("[data-golden] tbody tr").count()).resolves.toBe(2);
    await expect(page.locator("[data-golden] tbody tr").first().textContent()).resolves.toContain("(40 values)");
    await page.screenshot({ path: join(SHOTS, "pretrained.png"), fullPage: true });
    expect(problems).toEqual([]);
    await page.close();
  });

  test("hostile registry text renders literally and runs nothing", async () => {
    const { page, problems, dialogs } = await open("#/p/evil/v/EVIL-TRAINED-1");
    await page.waitForSelector("[data-golden]");
    for (const text of [HOSTILE.metric, HOSTILE.description, HOSTILE.input]) {
      await expect(page.getByText(text, { exact: false }).first().isVisible(), text).resolves.toBe(true);
    }
    await expect(page.locator("main script, main img, main iframe, main b").count()).resolves.toBe(0);
    await page.screenshot({ path: join(SHOTS, "hostile-version.png"), fullPage: true });
    await page.goto(`${ui.url}#/p/evil/aliases`);
    await page.waitForSelector("table[data-list=alias-history] tbody tr");
    await expect(page.getByText(HOSTILE.reason).isVisible()).resolves.toBe(true);
    await expect(page.getByText("<b>mallory</b>").isVisible()).resolves.toBe(true);
    await expect(page.locator("main iframe, main b").count()).resolves.toBe(0);
    await page.screenshot({ path: join(SHOTS, "hostile-aliases.png"), fullPage: true });
    expect(dialogs).toEqual([]);
    expect(problems).toEqual([]);
    await page.close();
  });

  test(`a ${BIG_VERSIONS.toLocaleString("en-US")}-version project answers one bounded page at a time`, async () => {
    const first = await fetch(`${ui.url}api/projects/big/models/BIG-TRAINED/versions?limit=100`).then((r) => r.json() as Promise<{ total: number; rows: { id: string }[] }>);
    expect(first.total).toBe(BIG_VERSIONS);
    expect(first.rows).toHaveLength(100);
    expect(first.rows[0]!.id).toBe(`BIG-TRAINED-${BIG_VERSIONS}`);
    expect((await fetch(`${ui.url}api/projects/big/models/BIG-TRAINED/versions?limit=101`)).status).toBe(400);
    const { page, problems } = await open("#/p/big");
    await page.waitForSelector("table[data-list='model:BIG-TRAINED'] tbody tr");
    await expect(page.locator("table[data-list='model:BIG-TRAINED'] tbody tr").count()).resolves.toBe(25);
    await expect(page.locator(".pager .muted").textContent()).resolves.toBe("1–25 of 10,000 (newest first)");
    await page.click("text=older →");
    await page.waitForFunction(() => document.querySelector(".pager .muted")?.textContent === "26–50 of 10,000 (newest first)");
    await expect(page.locator("table[data-list='model:BIG-TRAINED'] tbody tr").first().getAttribute("data-id")).resolves.toBe(`BIG-TRAINED-${BIG_VERSIONS - 25}`);
    await page.screenshot({ path: join(SHOTS, "big.png") });
    expect(problems).toEqual([]);
    await page.close();
  });
});
