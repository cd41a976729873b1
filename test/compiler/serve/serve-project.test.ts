/**
 * `serveProject` (what `mesh serve NAME` and `mesh run` call): generate out/NAME, pick the
 * model (file, or newest COMPILED/TRAINED version from the registry into the serve cache, keyed
 * by registry and card: .mesh/cache/serve/<registry>/<id>-<card>/),
 * run the generated server as a child on loopback, stop it with a drain (exit 0).
 * Needs the built runtime (`npm run build`): the generated main.js imports dist/.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { serveProject } from "../../../compiler/serve/serve-project.js";
import { SERVE_CACHE } from "../../../compiler/serve/pick-model.js";
import { openRegistry } from "../../../runtimes/registry/index.js";
import { buildDenseModel } from "../../support/onnx-models.js";
import { call, postJson } from "../../support/serve/helpers.js";

const ROOT = resolve(import.meta.dirname, "../../..");
// Inside the repository (not under node_modules), so the generated main.js resolves the `mesh` package by self-reference.
const WS = join(ROOT, ".vitest-tmp", `serve-ws-${process.pid}`);
const spamModel = () => buildDenseModel({ sizes: [4096, 2], inputName: "features", outputName: "probabilities" });

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist/runtimes/serve/index.js"))) throw new Error("run `npm run build` first: the generated server imports dist/runtimes/serve");
  mkdirSync(join(WS, "projects/spam"), { recursive: true });
  copyFileSync(join(ROOT, "projects/spam/project.yaml"), join(WS, "projects/spam/project.yaml"));
});
afterAll(() => rmSync(WS, { recursive: true, force: true }));

/** Starts serveProject, resolves once ready with the URL; `stop()` aborts and returns the exit code. */
async function serve(extra: Partial<Parameters<typeof serveProject>[0]>) {
  const err = new PassThrough();
  const out = new PassThrough();
  let logs = "";
  out.on("data", (c) => (logs += c));
  let messages = "";
  err.on("data", (c) => (messages += c));
  const abort = new AbortController();
  const done = serveProject({ root: WS, cwd: WS, name: "spam", port: 0, registry: `file://${WS}/.mesh/registry`, err, out, signal: abort.signal, ...extra });
  const url = await new Promise<string>((res, rej) => {
    const check = () => {
      const m = /is ready at (http:\/\/127\.0\.0\.1:\d+)\//.exec(messages);
      if (m) return res(m[1]!);
    };
    err.on("data", check);
    done.then((code) => rej(new Error(`serveProject ended with ${code}: ${messages}`)));
  });
  return { url, messages: () => messages, logs: () => logs, stop: async () => (abort.abort(), done) };
}

describe("serveProject", () => {
  test("serves a model file with the generated code on 127.0.0.1, then drains and exits 0", async () => {
    const dir = join(WS, "models");
    mkdirSync(dir, { recursive: true });
    const path = join(dir, "spam.onnx");
    (await import("node:fs")).writeFileSync(path, spamModel());
    const s = await serve({ model: path });
    expect(existsSync(join(WS, "out/spam/serve/main.js"))).toBe(true);
    const r = await postJson(s.url, "/spam/v1/predict", { data: { namespace: "spam", attributes: { text: "WIN a FREE cruise" } } });
    expect(r.status).toBe(200);
    expect(r.json().data.attributes.label).toMatch(/^(ham|spam)$/);
    expect((await call(s.url, "GET", "/v2/models/spam/ready")).status).toBe(200);
    expect(await s.stop()).toBe(0);
  });

  test("accessLog (mesh serve / mesh dev on a terminal): one JSON request line per request on the server's stdout; without it, none", async () => {
    const dir = join(WS, "models");
    mkdirSync(dir, { recursive: true });
    const path = join(dir, "spam-log.onnx");
    (await import("node:fs")).writeFileSync(path, spamModel());
    const body = { data: { namespace: "spam", attributes: { text: ["private words one", "two"] } } };
    const on = await serve({ model: path, accessLog: true });
    expect((await postJson(on.url, "/spam/v1/predict?k=v", body)).status).toBe(200);
    expect(await on.stop()).toBe(0);
    const lines = on
      .logs()
      .split("\n")
      .filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l["msg"] === "request")).toEqual([expect.objectContaining({ method: "POST", path: "/spam/v1/predict", status: 200, rows: 2 })]);
    expect(on.logs()).not.toContain("private words");
    const off = await serve({ model: path });
    expect((await postJson(off.url, "/spam/v1/predict", body)).status).toBe(200);
    expect(await off.stop()).toBe(0);
    expect(off.logs()).not.toContain('"msg":"request"');
  });

  test("without --model: the newest COMPILED version, downloaded to the serve cache, with its card in /bio", async () => {
    const registry = openRegistry(`file://${WS}/.mesh/registry`);
    const files = { "model.onnx": spamModel() };
    const base = { project: "spam", specHash: "s".repeat(64), params: {}, toolVersion: "test" };
    const trained = await registry.publishModel("spam", "SPAM", "TRAINED", files, { ...base, type: "trained", metrics: { accuracy: 0.97 } });
    await registry.publishModel("spam", "SPAM", "TRAINED", files, { ...base, type: "trained", metrics: { accuracy: 0.5 } });
    const compiled = await registry.publishModel("spam", "SPAM", "COMPILED", files, {
      ...base,
      type: "compiled",
      metrics: { accuracy: 0.97 },
      parent: `SPAM-TRAINED-${trained.version}`,
      target: { kind: "onnx", optimization: "all" },
    });
    const id = `SPAM-COMPILED-${compiled.version}`;
    const s = await serve({});
    expect(
      readdirSync(join(WS, SERVE_CACHE), { recursive: true })
        .map(String)
        .some((p) => new RegExp(`^[0-9a-f]{16}/${id}-[0-9a-f]{16}/model\\.onnx$`).test(p)),
    ).toBe(true);
    const bio = (await call(s.url, "GET", "/spam/v1/bio")).json();
    expect(bio).toMatchObject({
      version: id,
      versions: { served: id, parent: `SPAM-TRAINED-${trained.version}` },
      lineage: [`SPAM-TRAINED-${trained.version}`, id],
      type: "compiled",
      metrics: { accuracy: 0.97 },
      target: { kind: "onnx" },
    });
    expect(s.messages()).toContain(id);
    expect(await s.stop()).toBe(0);
  });

  test("no model anywhere → exit 1 with one clear sentence", async () => {
    const err = new PassThrough();
    let text = "";
    err.on("data", (c) => (text += c));
    const code = await serveProject({ root: WS, cwd: WS, name: "spam", port: 0, registry: `file://${WS}/.mesh/empty-registry`, err });
    expect(code).toBe(1);
    expect(text).toMatch(/mesh serve: no model of spam in .*empty-registry.*mesh run spam --no-serve/);
  });
});
