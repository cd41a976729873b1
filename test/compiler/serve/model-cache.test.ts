/**
 * Issue 13, item 11: the serve cache never serves another registry's model. Two registries
 * that both hold SPAM-COMPILED-1 (different models) get different cache folders; a registry
 * deleted and refilled under the same URI is downloaded again; a cached copy whose bytes were
 * changed is downloaded again. Every pick is checked against the registry's card.
 */
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { ProjectIR } from "../../../compiler/ir.js";
import { nodeHost } from "../../../compiler/host.js";
import { compileProject } from "../../../compiler/pipeline.js";
import { pickModel, registryIdentity, SERVE_CACHE } from "../../../compiler/serve/pick-model.js";
import { openRegistry } from "../../../runtimes/registry/index.js";
import { buildDenseModel } from "../../support/onnx-models.js";

const REPO = resolve(import.meta.dirname, "../../..");
const WS = mkdtempSync(join(tmpdir(), "mesh-serve-cache-"));
let ir: ProjectIR;

beforeAll(async () => {
  mkdirSync(join(WS, "projects/spam"), { recursive: true });
  copyFileSync(join(REPO, "projects/spam/project.yaml"), join(WS, "projects/spam/project.yaml"));
  const compiled = await compileProject(nodeHost(WS), "spam");
  if (!compiled.value) throw new Error(compiled.diagnostics.map((d) => d.message).join("; "));
  ir = compiled.value;
});
afterAll(() => rmSync(WS, { recursive: true, force: true }));

const sha = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Publishes a TRAINED and a COMPILED version (both of `model`) into the registry at `dir`. */
async function fill(dir: string, model: Uint8Array, accuracy: number) {
  const registry = openRegistry(`file://${dir}`);
  const base = { project: "spam", specHash: "s".repeat(64), params: {}, toolVersion: "test", metrics: { accuracy } };
  const trained = await registry.publishModel("spam", "SPAM", "TRAINED", { "model.onnx": model }, { ...base, type: "trained" });
  const compiled = await registry.publishModel("spam", "SPAM", "COMPILED", { "model.onnx": model }, { ...base, type: "compiled", parent: `SPAM-TRAINED-${trained.version}`, target: { kind: "onnx" } });
  return `SPAM-COMPILED-${compiled.version}`;
}

async function pick(registry: string) {
  const r = await pickModel(ir, { root: WS, cwd: WS, registry });
  if (!r.ok) throw new Error(r.message);
  return { ...r.model, bytes: readFileSync(r.model.modelPath), card: JSON.parse(readFileSync(r.model.cardPath, "utf8")) as { metrics: { accuracy: number } } };
}

describe("the serve cache", () => {
  const modelA = buildDenseModel({ sizes: [4096, 2], seed: 1, inputName: "features", outputName: "probabilities" });
  const modelB = buildDenseModel({ sizes: [4096, 2], seed: 2, inputName: "features", outputName: "probabilities" });

  test("the same version id in two registries is two cache entries: each registry's own model is served", async () => {
    const a = join(WS, "registry-a");
    const b = join(WS, "registry-b");
    expect(await fill(a, modelA, 0.979)).toBe("SPAM-COMPILED-1");
    expect(await fill(b, modelB, 0.954)).toBe("SPAM-COMPILED-1");
    const fromA = await pick(`file://${a}`);
    const fromB = await pick(`file://${b}`);
    expect(sha(fromA.bytes)).toBe(sha(modelA));
    expect(sha(fromB.bytes)).toBe(sha(modelB));
    expect(fromB.card.metrics.accuracy).toBe(0.954);
    expect(fromB.label).toBe(`SPAM-COMPILED-1 (file://${b})`);
    expect(fromA.modelPath).not.toBe(fromB.modelPath);
    expect(fromA.modelPath.startsWith(join(WS, SERVE_CACHE))).toBe(true);
    // Back to A: still A's model (both entries live side by side).
    expect(sha((await pick(`file://${a}`)).bytes)).toBe(sha(modelA));
  });

  test("a registry deleted and refilled under the same URI is downloaded again", async () => {
    const dir = join(WS, "registry-refilled");
    await fill(dir, modelA, 0.9);
    expect(sha((await pick(`file://${dir}`)).bytes)).toBe(sha(modelA));
    rmSync(dir, { recursive: true, force: true });
    await fill(dir, modelB, 0.8);
    const again = await pick(`file://${dir}`);
    expect(sha(again.bytes)).toBe(sha(modelB));
    expect(again.card.metrics.accuracy).toBe(0.8);
  });

  test("a cached copy whose model bytes changed is downloaded again; an intact one is reused", async () => {
    const dir = join(WS, "registry-tamper");
    await fill(dir, modelA, 0.9);
    const first = await pick(`file://${dir}`);
    writeFileSync(first.modelPath, modelB);
    const second = await pick(`file://${dir}`);
    expect(second.modelPath).toBe(first.modelPath);
    expect(sha(second.bytes)).toBe(sha(modelA));
  });

  test("a relative file registry is the same registry as its absolute spelling; S3 registries differ by endpoint", () => {
    expect(registryIdentity("file://.mesh/registry", WS, undefined)).toBe(registryIdentity(`file://${WS}/.mesh/registry`, WS, undefined));
    expect(registryIdentity("s3://bucket/mesh", WS, "http://127.0.0.1:9000")).not.toBe(registryIdentity("s3://bucket/mesh", WS, undefined));
  });
});
