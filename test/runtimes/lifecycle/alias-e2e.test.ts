/**
 * Issue 11's "done when", end to end on the example specs in a workspace inside the repo (so
 * the generated server resolves the built runtime): `mesh run spam`, a second run with changed
 * params, `mesh registry promote SPAM-COMPILED-1 --alias production`, and `mesh serve spam
 * --env prod` serves version 1 while version 2 is newest (asserted over loopback via /bio and
 * /metrics); `rollback` moves the alias back. Then a relative gate on iris: the first run sets
 * the alias (nothing to compare with), a retrain that is really worse (2 epochs instead of
 * 200) is registered but not promoted, and `mesh run` prints the comparison.
 * Needs `npm run build` (the generated main.js imports dist/).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { registryAliases, registryPromote, registryRollback } from "../../../compiler/cli/commands/registry-aliases.js";
import type { RegistryContext } from "../../../compiler/cli/commands/registry.js";
import { serveProject } from "../../../compiler/serve/serve-project.js";
import { openRegistry } from "../../../runtimes/registry/index.js";
import { call } from "../../support/serve/helpers.js";
import { meshRun } from "../../support/lifecycle/run-cli.js";

const ROOT = resolve(import.meta.dirname, "../../..");
const WS = join(ROOT, ".vitest-tmp", `alias-e2e-${process.pid}`);
const E2E_TIMEOUT = 300_000;
const saved = { registry: process.env.MESH_REGISTRY, ref: process.env.MESH_MODEL_REF };

function writeSpec(name: string, edit: (text: string) => string = (t) => t): void {
  const text = readFileSync(join(ROOT, "projects", name, "project.yaml"), "utf8");
  const next = edit(text);
  mkdirSync(join(WS, "projects", name), { recursive: true });
  writeFileSync(join(WS, "projects", name, "project.yaml"), next);
}

function replaceOnce(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`edit: ${JSON.stringify(from)} must occur exactly once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

function cli(env: NodeJS.ProcessEnv = {}): RegistryContext & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return { cwd: WS, env, stdout: (s) => (out += s), stderr: (s) => (err += s), out: () => out, err: () => err };
}

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist/runtimes/serve/index.js"))) throw new Error("run `npm run build` first: the generated server imports dist/runtimes/serve");
  delete process.env.MESH_REGISTRY;
  delete process.env.MESH_MODEL_REF;
  mkdirSync(WS, { recursive: true });
  // npm: dataset sources resolve from the workspace.
  if (!existsSync(join(WS, "node_modules"))) symlinkSync(join(ROOT, "node_modules"), join(WS, "node_modules"), "dir");
});
afterAll(() => {
  rmSync(WS, { recursive: true, force: true });
  for (const [k, v] of [
    ["MESH_REGISTRY", saved.registry],
    ["MESH_MODEL_REF", saved.ref],
  ] as const)
    if (v !== undefined) process.env[k] = v;
});

describe("spam: promote, serve --env prod, rollback", () => {
  test(
    "version 1 is served through production while version 2 is newest; rollback moves the alias back",
    async () => {
      writeSpec("spam");
      const first = await meshRun(WS, "spam");
      expect(first.code, first.stderr).toBe(0);
      expect(first.stdout).toMatch(/compile +done .*SPAM-COMPILED-1 ← SPAM-TRAINED-1/);
      // A second run with changed params trains and compiles version 2.
      writeSpec("spam", (t) => replaceOnce(t, "learning_rate: 0.05,", "learning_rate: 0.02,"));
      const second = await meshRun(WS, "spam");
      expect(second.code, second.stderr).toBe(0);
      expect(second.stdout).toMatch(/SPAM-COMPILED-2 ← SPAM-TRAINED-2/);

      const promote = cli();
      expect(await registryPromote("SPAM-COMPILED-1", { format: "text", alias: "production", reason: "the release we signed off", by: "release-bot" }, promote), promote.err()).toBe(0);
      expect(promote.out()).toContain("spam: production (unset) → SPAM-COMPILED-1");

      const registry = openRegistry(`file://${join(WS, ".mesh/registry")}`);
      expect((await registry.latestServableModel("spam", "SPAM"))?.version).toBe(2);

      // mesh serve spam --env prod, on a free loopback port.
      const err = new PassThrough();
      const out = new PassThrough();
      out.resume();
      let messages = "";
      err.on("data", (c) => (messages += c));
      const abort = new AbortController();
      const done = serveProject({ root: WS, cwd: WS, name: "spam", port: 0, env: "prod", err, out, signal: abort.signal });
      const url = await new Promise<string>((res, rej) => {
        err.on("data", () => {
          const m = /is ready at (http:\/\/127\.0\.0\.1:\d+)\//.exec(messages);
          if (m) res(m[1]!);
        });
        done.then((code) => rej(new Error(`serveProject ended with ${code}: ${messages}`)));
      });
      try {
        expect(messages).toContain("starting spam with SPAM-COMPILED-1 via alias production");
        const bio = await call(url, "GET", "/spam/v1/bio");
        expect(bio.status).toBe(200);
        expect(bio.json()).toMatchObject({ version: "SPAM-COMPILED-1", alias: "production", lineage: ["SPAM-TRAINED-1", "SPAM-COMPILED-1"] });
        const metrics = await call(url, "GET", "/metrics");
        expect(metrics.text).toMatch(/mesh_model_info\{name="spam",version="SPAM-COMPILED-1",alias="production",spec_hash="[0-9a-f]+"\} 1/);
      } finally {
        abort.abort();
        expect(await done).toBe(0);
      }

      // Promote 2, then roll back: production points at 1 again, and the history says so.
      expect(await registryPromote("SPAM-COMPILED-2", { format: "text", alias: "production", by: "release-bot" }, cli())).toBe(0);
      const rollback = cli();
      expect(await registryRollback("spam", { format: "text", alias: "production", by: "on-call", reason: "p99 regression" }, rollback), rollback.err()).toBe(0);
      expect(rollback.out()).toContain("production SPAM-COMPILED-2 → SPAM-COMPILED-1 (rollback, #3, by on-call)");
      expect((await registry.resolveAlias("spam", "production"))?.version).toBe(1);
      const aliases = cli();
      expect(await registryAliases("spam", { format: "json" }, aliases)).toBe(0);
      const view = JSON.parse(aliases.out());
      expect(view.history.map((e: { to: string; by: string; reason?: string }) => [e.to, e.by, e.reason ?? null])).toEqual([
        ["SPAM-COMPILED-1", "release-bot", "the release we signed off"],
        ["SPAM-COMPILED-2", "release-bot", null],
        ["SPAM-COMPILED-1", "on-call", "p99 regression"],
      ]);
    },
    E2E_TIMEOUT,
  );
});

describe("iris: relative gate and train.promote", () => {
  const withGate = (t: string) =>
    replaceOnce(
      replaceOnce(t, 'gates: { accuracy: ">= 0.9" }', 'gates: { accuracy: ">= production - 0.01", macro_f1: ">= 0.1" }\n    promote: production'),
      "validate: { samples: 45, atol: 0.0001 }",
      'validate: { samples: 45, atol: 0.0001, gates: { label_agreement: ">= production - 0.01" } }',
    );

  test(
    "the first run promotes (no baseline yet); a really worse retrain is registered but not promoted",
    async () => {
      writeSpec("iris", withGate);
      const first = await meshRun(WS, "iris");
      expect(first.code, first.stderr).toBe(0);
      expect(first.stderr).toContain("gate accuracy >= production - 0.01: alias production is not set yet, nothing to compare with");
      expect(first.stdout).toMatch(/promote +done: production \(unset\) → IRIS-COMPILED-1/);
      const registry = openRegistry(`file://${join(WS, ".mesh/registry")}`);
      const history = await registry.aliasHistory("iris", "production");
      expect(history).toHaveLength(1);
      expect(history[0]!.reason).toMatch(/^gates passed: macro_f1 0\.\d{4} >= 0\.1, accuracy \(no production yet\), label_agreement \(no production yet\)$/);
      const good = (await registry.readModelCard({ project: "iris", key: "IRIS", stage: "TRAINED", version: 1 })).metrics.accuracy as number;

      // Two epochs instead of 200, a tiny step: really worse, not a hard-coded figure.
      writeSpec("iris", (t) => replaceOnce(withGate(t), "epochs: 200, learning_rate: 0.01", "epochs: 2, learning_rate: 0.001"));
      const worse = await meshRun(WS, "iris");
      expect(worse.code, worse.stderr).toBe(0);
      const worseAccuracy = (await registry.readModelCard({ project: "iris", key: "IRIS", stage: "TRAINED", version: 2 })).metrics.accuracy as number;
      expect(worseAccuracy).toBeLessThan(good - 0.01);
      // The comparison: ours vs the alias's, the threshold, the verdict.
      expect(worse.stderr).toContain(
        `gate accuracy >= production - 0.01: ours ${worseAccuracy.toFixed(4)} vs production IRIS-COMPILED-1 ${good.toFixed(4)} → threshold ${(good - 0.01).toFixed(4)}: MISSED`,
      );
      expect(worse.stdout).toMatch(/promote +held: IRIS-COMPILED-2 registered but not promoted to production/);
      // compile.validate's relative gate compares the validation figures with production's compiled version.
      expect(worse.stderr).toContain("onnx (optimization all): gate label_agreement >= production - 0.01: ours 1.0000 vs production IRIS-COMPILED-1 1.0000 → threshold 0.9900: passed");
      // Registered (newest) but not promoted.
      expect((await registry.latestServableModel("iris", "IRIS"))?.version).toBe(2);
      expect((await registry.resolveAlias("iris", "production"))?.version).toBe(1);
      expect(await registry.aliasHistory("iris", "production")).toHaveLength(1);
    },
    E2E_TIMEOUT,
  );

  test("a malformed relative gate is refused before anything runs, with file:line:col", async () => {
    writeSpec("iris", (t) => replaceOnce(t, 'gates: { accuracy: ">= 0.9" }', 'gates: { accuracy: ">= production -" }'));
    const r = await meshRun(WS, "iris");
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/projects\/iris\/project\.yaml:\d+:\d+ error MESH\d+ steps\.train\.gates\.accuracy: ">= production -" is not a gate: expected a number after "-"/);
  });
});
