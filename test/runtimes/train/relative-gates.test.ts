/**
 * Gate expressions: the grammar (absolute and relative to an alias), the validate
 * diagnostics for malformed ones, and how relative gates are judged against the version an
 * alias points at (a compiled target is read through its trained parent).
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { parseGate } from "../../../schemas/gate-expression.js";
import { openRegistry } from "../../../runtimes/registry/index.js";
import { checkRelativeGates, describeRelativeGate, missedGates, relativeGatesAllow, validationMetrics } from "../../../runtimes/train/gates.js";
import { pickModelVersion } from "../../../runtimes/serve/model-ref.js";
import { compileSpec, edit, exampleText } from "../../support/frontend/helpers.js";

describe("gate grammar", () => {
  test.each([
    [">= 0.95", { kind: "absolute", op: ">=", value: 0.95 }],
    ["  <  -1.5 ", { kind: "absolute", op: "<", value: -1.5 }],
    [">= production", { kind: "relative", op: ">=", alias: "production", offset: 0 }],
    [">= production - 0.01", { kind: "relative", op: ">=", alias: "production", offset: -0.01 }],
    ["<=staging+0.2", { kind: "relative", op: "<=", alias: "staging", offset: 0.2 }],
    ["> canary_eu - 1", { kind: "relative", op: ">", alias: "canary_eu", offset: -1 }],
  ])("%s", (text, gate) => {
    expect(parseGate(text)).toEqual({ ok: true, gate });
  });

  test.each([
    ["0.95", /expected a comparison .* at column 1/],
    [">= ", /expected a number or an alias name .* at column 4/],
    [">= production -", /expected a number after "-" at column 16/],
    [">= production * 2", /unexpected "\* 2" at column 15/],
    [">= Production", /"Production" is not an alias name/],
    [">= prod-eu - 0.1", /alias names cannot contain '-'/],
    [">= latest - 0.1", /"latest" cannot be an alias/],
    [">= 0.9 0.8", /unexpected "0\.8" at column 8/],
  ])("refuses %s", (text, message) => {
    const r = parseGate(text);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(message);
  });

  test("validate names file:line:col and the field; a share offset beyond 1 is refused; a good relative gate and train.promote pass", async () => {
    const spam = exampleText("spam");
    const bad = await compileSpec(edit(spam, 'gates: { accuracy: ">= 0.95" }', 'gates: { accuracy: ">= production -", log_loss: "<= prod-uction" }'));
    expect(bad.lines).toEqual([
      expect.stringMatching(/^projects\/spam\/project\.yaml:39:24 error MESH016 steps\.train\.gates\.accuracy: ">= production -" is not a gate: expected a number after "-" at column 16/),
      expect.stringMatching(/^projects\/spam\/project\.yaml:39:53 error MESH016 steps\.train\.gates\.log_loss: "<= prod-uction" is not a gate: alias names cannot contain '-'/),
    ]);
    const share = await compileSpec(edit(spam, 'gates: { accuracy: ">= 0.95" }', 'gates: { accuracy: ">= production - 2" }'));
    expect(share.lines[0]).toMatch(/steps\.train\.gates\.accuracy: .*between 0 and 1/);
    const good = await compileSpec(edit(spam, 'gates: { accuracy: ">= 0.95" }', 'gates: { accuracy: ">= production - 0.01", macro_f1: ">= 0.9" }\n    promote: candidate'));
    expect(good.lines).toEqual([]);
    const ir = good.value![0]!;
    expect(ir.kind === "Project" && ir.train?.gates).toEqual([
      { metric: "accuracy", op: ">=", value: -0.01, alias: "production" },
      { metric: "macro_f1", op: ">=", value: 0.9 },
    ]);
    expect(ir.kind === "Project" && ir.train?.promote).toBe("candidate");
  });
});

describe("compile.validate gates", () => {
  test("relative only, lowered per step and per target; absolute forms are refused with file:line:col", async () => {
    const spam = exampleText("spam");
    const good = await compileSpec(
      edit(spam, "validate: { samples: 200, atol: 0.0001 }", 'validate: { samples: 200, atol: 0.0001, gates: { max_abs_diff: "<= production + 0.0001", label_agreement: ">= production" } }'),
    );
    expect(good.lines).toEqual([]);
    const ir = good.value![0]!;
    expect(ir.kind === "Project" && ir.compile?.validate.gates).toEqual([
      { metric: "label_agreement", op: ">=", value: 0, alias: "production" },
      { metric: "max_abs_diff", op: "<=", value: 0.0001, alias: "production" },
    ]);
    const bad = await compileSpec(edit(spam, "validate: { samples: 200, atol: 0.0001 }", 'validate: { samples: 200, atol: 0.0001, gates: { label_agreement: ">= 0.99", accuracy: ">= production" } }'));
    expect(bad.lines).toEqual([
      expect.stringMatching(/^projects\/spam\/project\.yaml:\d+:\d+ error MESH016 steps\.compile\.validate\.gates\.label_agreement: .*absolute limits are atol, rtol and min_label_agreement/),
      expect.stringMatching(/^projects\/spam\/project\.yaml:\d+:\d+ error MESH013 steps\.compile\.validate\.gates\.accuracy: unknown key "accuracy"/),
    ]);
  });
});

describe("relative gates against a registry", () => {
  const dirs: string[] = [];
  afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
  const enc = (s: string) => new TextEncoder().encode(s);

  test("judged against the alias's trained metrics; no alias yet does not block; a missing metric does", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mesh-gates-"));
    dirs.push(dir);
    const reg = openRegistry(`file://${dir}`);
    const base = { project: "spam", specHash: "h", params: {}, toolVersion: "t" };
    await reg.publishModel("spam", "SPAM", "TRAINED", { "model.onnx": enc("t") }, { ...base, type: "trained", metrics: { accuracy: 0.96, log_loss: 0.2 } });
    const compiled = await reg.publishModel("spam", "SPAM", "COMPILED", { "model.onnx": enc("c") }, { ...base, type: "compiled", parent: "SPAM-TRAINED-1", metrics: { maxAbsDiff: 1e-7 } });
    await reg.setAlias("spam", "production", compiled, { by: "t" });
    const gates = [
      { metric: "accuracy" as const, op: ">=" as const, value: -0.01, alias: "production" },
      { metric: "log_loss" as const, op: "<=" as const, value: 0.05, alias: "production" },
      { metric: "accuracy" as const, op: ">=" as const, value: 0, alias: "staging" },
      { metric: "accuracy" as const, op: ">=" as const, value: 0.9 },
    ];
    const ours = { accuracy: 0.95, log_loss: 0.3, macro_f1: 0.9 };
    const results = await checkRelativeGates(gates, ours, reg, "spam");
    expect(results.map((r) => [r.metric, r.alias, r.status, r.threshold ?? null])).toEqual([
      ["accuracy", "production", "pass", 0.95],
      ["log_loss", "production", "fail", 0.25],
      ["accuracy", "staging", "no-baseline", null],
    ]);
    expect(describeRelativeGate(results[0]!)).toBe("gate accuracy >= production - 0.01: ours 0.9500 vs production SPAM-COMPILED-1 0.9600 → threshold 0.9500: passed");
    expect(describeRelativeGate(results[1]!)).toMatch(/ours 0\.3000 vs production SPAM-COMPILED-1 0\.2000 → threshold 0\.2500: MISSED/);
    expect(relativeGatesAllow(results)).toBe(false);
    expect(relativeGatesAllow([results[0]!, results[2]!])).toBe(true);
    // Absolute gates ignore the relative ones.
    expect(missedGates(gates, { ...ours, confusion: { labels: [], matrix: [] }, rows: 10 })).toEqual([]);
    // Compile gates read validation figures, of the alias's own compiled card.
    const ourCompile = validationMetrics({ ...(await reg.readModelCard(compiled)), metrics: { validation: { maxAbsDiff: 2e-7, labelAgreement: 0.995 } } });
    await reg.publishModel(
      "spam",
      "SPAM",
      "COMPILED",
      { "model.onnx": enc("c2") },
      { ...base, type: "compiled", parent: "SPAM-TRAINED-1", metrics: { validation: { maxAbsDiff: 1e-7, labelAgreement: 1 } } },
    );
    await reg.setAlias("spam", "candidate", { ...compiled, version: 2 }, { by: "t" });
    const compileResults = await checkRelativeGates(
      [
        { metric: "label_agreement", op: ">=", value: -0.01, alias: "candidate" },
        { metric: "max_abs_diff", op: "<=", value: 0, alias: "candidate" },
      ],
      ourCompile,
      reg,
      "spam",
      async (r, ref) => validationMetrics(await r.readModelCard(ref)),
    );
    expect(compileResults.map((r) => [r.metric, r.status, r.threshold])).toEqual([
      ["label_agreement", "pass", 0.99],
      ["max_abs_diff", "fail", 1e-7],
    ]);
    const noMetric = await checkRelativeGates([{ metric: "macro_f1", op: ">=", value: 0, alias: "production" }], ours, reg, "spam");
    expect(noMetric[0]!.status).toBe("no-metric");
    expect(relativeGatesAllow(noMetric)).toBe(false);
  });

  test("MESH_MODEL_REF accepts an alias and says so; an unset alias is an error, not a silent fallback", async () => {
    const dir = await mkdtemp(join(tmpdir(), "mesh-ref-"));
    dirs.push(dir);
    const reg = openRegistry(`file://${dir}`);
    const card = { project: "spam", specHash: "h", params: {}, metrics: {}, toolVersion: "t", type: "trained" as const };
    const v1 = await reg.publishModel("spam", "SPAM", "TRAINED", { "model.onnx": enc("1") }, card);
    await reg.publishModel("spam", "SPAM", "TRAINED", { "model.onnx": enc("2") }, card);
    await reg.setAlias("spam", "production", v1, { by: "t" });
    expect(await pickModelVersion(reg, "spam", "production")).toEqual({ ref: v1, alias: "production" });
    expect(await pickModelVersion(reg, "spam", "latest")).toEqual({ ref: { ...v1, version: 2 } });
    expect(await pickModelVersion(reg, "spam", "SPAM-TRAINED-1")).toEqual({ ref: v1 });
    await expect(pickModelVersion(reg, "spam", "staging")).rejects.toThrow(/alias staging of spam is not set/);
  });
});
