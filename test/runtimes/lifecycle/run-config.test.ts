/**
 * The IR → lifecycle config mapping of `mesh run`, and the lifecycle's own refusals when a
 * step runs alone (`--only`) without what the previous step leaves behind.
 */
import { describe, expect, test } from "vitest";
import { lifecycleConfig } from "../../../compiler/cli/commands/run.js";
import { compileProject } from "../../../compiler/pipeline.js";
import { nodeHost } from "../../../compiler/host.js";
import { runLifecycle } from "../../../runtimes/lifecycle/index.js";
import { TestRegistry } from "../../support/lifecycle/test-registry.js";
import { REPO, exampleWorkspace } from "../../support/lifecycle/run-cli.js";

async function config(name: string) {
  const r = await compileProject(nodeHost(REPO), name);
  if (!r.value) throw new Error(JSON.stringify(r.diagnostics));
  return lifecycleConfig(r.value);
}

describe("lifecycleConfig", () => {
  test("maps the spam spec: features, register target, compile targets", async () => {
    const c = await config("spam");
    expect(c).toMatchObject({ project: "spam", key: "SPAM", model: { labels: ["ham", "spam"], target: "label", features: { kind: "hashed-ngrams", dims: 4096, maxChars: 20000 } } });
    expect(c.register).toMatchObject({ dataset: "spam-assassin", target: "label", split: { test: 0.2, seed: 42 } });
    expect(c.register!.columns.find((k) => k.name === "label")).toMatchObject({
      from: "group",
      map: [
        ["spam-*", "spam"],
        ["*ham*", "ham"],
      ],
    });
    expect(c.compile!.targets.map((t) => t.kind)).toEqual(["onnx", "neuron"]);
  });

  test("train keeps at least as many golden rows as compile validates on", async () => {
    expect((await config("spam")).train!.goldenSamples).toBe(200);
    expect((await config("iris")).train!.goldenSamples).toBe(45);
  });
});

describe("--only a step without its inputs", () => {
  const cfgFor = async (name: string) => config(name);
  const quiet = { report: () => {}, log: () => {} };

  test("register without a raw snapshot points at ingest", async () => {
    const root = exampleWorkspace("iris");
    const registry = new TestRegistry();
    await expect(runLifecycle(await cfgFor("iris"), { root, registry, only: "register", ...quiet })).rejects.toThrow(`no raw snapshot of iris in ${registry.uri}; run the ingest step first`);
  });

  test("train without a dataset version points at register", async () => {
    const root = exampleWorkspace("iris");
    const registry = new TestRegistry();
    await expect(runLifecycle(await cfgFor("iris"), { root, registry, only: "train", ...quiet })).rejects.toThrow(`no version of dataset iris in ${registry.uri}; run the register step first`);
  });

  test("steps run one by one reach the same result as a full run", async () => {
    const root = exampleWorkspace("iris");
    const registry = new TestRegistry();
    const cfg = await cfgFor("iris");
    const lines: string[] = [];
    for (const only of ["ingest", "register", "train", "compile"] as const) await runLifecycle(cfg, { root, registry, only, report: (l) => lines.push(l), log: () => {} });
    expect(lines.map((l) => l.replace(/in [\d.]+ s/, "in T s").split(":")[0])).toEqual([
      "[1/1] ingest   done in T s",
      "[1/1] register done in T s",
      "[1/1] train    done in T s",
      "[1/1] compile  done in T s",
    ]);
    const full = await runLifecycle(cfg, { root, registry, ...quiet });
    expect(full.map((o) => o.status)).toEqual(["skipped", "skipped", "skipped", "skipped"]);
    expect(await registry.listChildren({ project: "iris", key: "IRIS", stage: "TRAINED", version: 1 })).toEqual([{ project: "iris", key: "IRIS", stage: "COMPILED", version: 1 }]);
  });
});
