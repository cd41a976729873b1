/**
 * `mesh serve`'s pick order (serveProject): an explicit `--model-ref` / MESH_MODEL_REF (an id,
 * an alias or latest) wins, then the alias the environment names (`--env prod` →
 * environments.prod.serve.alias), then the newest servable version. What was picked, and
 * through which alias, is visible in /bio and mesh_model_info. Needs `npm run build`.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, afterEach, beforeAll, describe, expect, test } from "vitest";
import { serveProject } from "../../../compiler/serve/serve-project.js";
import { openRegistry } from "../../../runtimes/registry/index.js";
import { buildDenseModel } from "../../support/onnx-models.js";
import { call } from "../../support/serve/helpers.js";

const ROOT = resolve(import.meta.dirname, "../../..");
const WS = join(ROOT, ".vitest-tmp", `serve-alias-${process.pid}`);
const REGISTRY = `file://${WS}/.mesh/registry`;
const savedRef = process.env.MESH_MODEL_REF;

beforeAll(async () => {
  if (!existsSync(join(ROOT, "dist/runtimes/serve/index.js"))) throw new Error("run `npm run build` first: the generated server imports dist/runtimes/serve");
  mkdirSync(join(WS, "projects/spam"), { recursive: true });
  copyFileSync(join(ROOT, "projects/spam/project.yaml"), join(WS, "projects/spam/project.yaml"));
  const registry = openRegistry(REGISTRY);
  const base = { project: "spam", specHash: "s".repeat(64), params: {}, toolVersion: "test" };
  // Three servable compiled versions; their models differ so each is its own artifact.
  for (let v = 1; v <= 3; v++) {
    const files = { "model.onnx": buildDenseModel({ sizes: [4096, 2], inputName: "features", outputName: "probabilities", seed: v }) };
    await registry.publishModel("spam", "SPAM", "TRAINED", files, { ...base, type: "trained", metrics: { accuracy: 0.9 + v / 100 } });
    await registry.publishModel("spam", "SPAM", "COMPILED", files, { ...base, type: "compiled", metrics: {}, parent: `SPAM-TRAINED-${v}` });
  }
  await registry.setAlias("spam", "production", { project: "spam", key: "SPAM", stage: "COMPILED", version: 1 }, { by: "test" });
});
afterEach(() => {
  if (savedRef === undefined) delete process.env.MESH_MODEL_REF;
  else process.env.MESH_MODEL_REF = savedRef;
});
afterAll(() => rmSync(WS, { recursive: true, force: true }));

async function serve(extra: Partial<Parameters<typeof serveProject>[0]>) {
  const err = new PassThrough();
  const out = new PassThrough();
  out.resume();
  let messages = "";
  err.on("data", (c) => (messages += c));
  const abort = new AbortController();
  const done = serveProject({ root: WS, cwd: WS, name: "spam", port: 0, registry: REGISTRY, err, out, signal: abort.signal, ...extra });
  const url = await new Promise<string>((res, rej) => {
    err.on("data", () => {
      const m = /is ready at (http:\/\/127\.0\.0\.1:\d+)\//.exec(messages);
      if (m) res(m[1]!);
    });
    done.then((code) => rej(new Error(`serveProject ended with ${code}: ${messages}`)));
  });
  try {
    const bio = (await call(url, "GET", "/spam/v1/bio")).json() as { version: string; alias: string | null };
    const info = /^mesh_model_info\{[^}]*\} 1$/m.exec((await call(url, "GET", "/metrics")).text)?.[0];
    return { bio, info, messages };
  } finally {
    abort.abort();
    expect(await done).toBe(0);
  }
}

/** Runs serveProject to its refusal; returns exit code and message. */
async function refusal(extra: Partial<Parameters<typeof serveProject>[0]>) {
  const err = new PassThrough();
  let text = "";
  err.on("data", (c) => (text += c));
  const code = await serveProject({ root: WS, cwd: WS, name: "spam", port: 0, registry: REGISTRY, err, ...extra });
  return { code, text };
}

describe("mesh serve pick order", () => {
  test("no reference, no environment: the newest servable version, no alias", async () => {
    const s = await serve({});
    expect(s.bio).toMatchObject({ version: "SPAM-COMPILED-3", alias: null });
    expect(s.info).toContain('version="SPAM-COMPILED-3",alias=""');
  });

  test("--env prod serves what production points at (prod's serve.alias)", async () => {
    const s = await serve({ env: "prod" });
    expect(s.bio).toMatchObject({ version: "SPAM-COMPILED-1", alias: "production" });
    expect(s.info).toContain('version="SPAM-COMPILED-1",alias="production"');
    expect(s.messages).toContain("starting spam with SPAM-COMPILED-1 via alias production");
  });

  test("MESH_MODEL_REF is honoured (it used to be dropped) and wins over --env; --model-ref wins over both", async () => {
    process.env.MESH_MODEL_REF = "SPAM-COMPILED-2";
    expect((await serve({ env: "prod" })).bio).toMatchObject({ version: "SPAM-COMPILED-2", alias: null });
    expect((await serve({ env: "prod", modelRef: "production" })).bio).toMatchObject({ version: "SPAM-COMPILED-1", alias: "production" });
  });

  test("refusals: an unset alias, an unknown version, an unknown environment, --model with a reference", async () => {
    let r = await refusal({ modelRef: "staging" });
    expect(r.code).toBe(1);
    expect(r.text).toMatch(/--model-ref: alias staging of spam is not set in .*: point it at a version with `mesh registry promote ID --alias staging`/);
    r = await refusal({ modelRef: "SPAM-COMPILED-9" });
    expect(r.text).toMatch(/--model-ref: no version SPAM-COMPILED-9 of spam/);
    r = await refusal({ env: "qa" });
    expect(r.text).toMatch(/spam has no environment "qa" \(environments: dev, ci, prod\)/);
    r = await refusal({ modelRef: "SPAM-COMPILED-1", model: "x.onnx" });
    expect(r.text).toMatch(/--model serves a file; it cannot be combined with --model-ref/);
  });
});
