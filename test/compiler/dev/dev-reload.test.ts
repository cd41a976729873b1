/**
 * `mesh dev`: a client sending requests in a loop (bounded, loopback) through two reloads and
 * one invalid edit sees no failed request; the spec edit changes what /bio answers; the
 * invalid edit prints its diagnostic (file:line:col) and the old server keeps serving; on
 * stop — programmatic abort, or Ctrl-C on the real CLI — every child server exits.
 * Needs the built runtime (`npm run build`): the generated main.js imports dist/.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { spawn } from "node:child_process";
import { join, resolve } from "node:path";
import { PassThrough } from "node:stream";
import { request } from "node:http";
import { runDev } from "../../../compiler/dev/dev-session.js";
import { buildDenseModel } from "../../support/onnx-models.js";
import { openRegistry } from "../../../runtimes/registry/index.js";

const ROOT = resolve(import.meta.dirname, "../../..");
// Inside the repository, so the generated main.js resolves the `mesh` package by self-reference.
const WS = join(ROOT, ".vitest-tmp", `dev-ws-${process.pid}`);
const SPEC = join(WS, "projects/spam/project.yaml");
const MODEL = join(WS, "models/spam.onnx");

beforeAll(() => {
  if (!existsSync(join(ROOT, "dist/runtimes/serve/index.js"))) throw new Error("run `npm run build` first: the generated server imports dist/runtimes/serve");
  mkdirSync(join(WS, "projects/spam"), { recursive: true });
  mkdirSync(join(WS, "models"), { recursive: true });
  copyFileSync(join(ROOT, "projects/spam/project.yaml"), SPEC);
  writeFileSync(MODEL, buildDenseModel({ sizes: [4096, 2], inputName: "features", outputName: "probabilities" }));
});
afterAll(() => rmSync(WS, { recursive: true, force: true }));

/** One request on its own connection: status and body, or the error that failed it. */
function call(url: string, method: string, path: string, body?: string): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    const req = request(`${url}${path}`, { method, agent: false, timeout: 5000, headers: body ? { "content-type": "application/json" } : {} }, (r) => {
      let text = "";
      r.on("data", (c) => (text += c));
      r.on("end", () => res({ status: r.statusCode ?? 0, body: text }));
    });
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", rej);
    req.end(body);
  });
}

const PREDICT = JSON.stringify({ data: { namespace: "spam", attributes: { text: "WIN a FREE cruise" } } });

/** Bounded loop: `workers` clients back to back until `stop()` or 20 s; every non-200 or error is a failure. */
function requestLoop(url: string, workers = 4) {
  let running = true;
  const deadline = Date.now() + 20_000;
  const failures: string[] = [];
  let ok = 0;
  const one = async () => {
    while (running && Date.now() < deadline) {
      try {
        const r = await call(url, "POST", "/spam/v1/predict", PREDICT);
        if (r.status === 200) ok++;
        else failures.push(`${r.status} ${r.body}`);
      } catch (e) {
        failures.push(String(e));
      }
    }
  };
  const all = Promise.all(Array.from({ length: workers }, one));
  return { stop: async () => ((running = false), await all, { ok, failures }), ok: () => ok };
}

function until(read: () => string, re: RegExp, ms = 45_000): Promise<RegExpExecArray> {
  return new Promise((res, rej) => {
    const t0 = Date.now();
    const tick = () => {
      const m = re.exec(read());
      if (m) return res(m);
      if (Date.now() - t0 > ms) return rej(new Error(`timed out waiting for ${re}; got:\n${read()}`));
      setTimeout(tick, 25);
    };
    tick();
  });
}

const pidsOf = (logs: string) => [...logs.matchAll(/"pid":(\d+)[^\n]*"msg":"ready"/g)].map((m) => Number(m[1]));
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe("mesh dev", () => {
  test("two reloads and an invalid edit under a request loop: zero failed requests, the new spec answers, children stopped", async () => {
    const err = new PassThrough();
    const out = new PassThrough();
    let messages = "";
    let logs = "";
    err.on("data", (c) => (messages += c));
    out.on("data", (c) => (logs += c));
    const abort = new AbortController();
    const done = runDev({ root: WS, cwd: WS, name: "spam", port: 0, model: MODEL, err, out, signal: abort.signal });
    const url = (await until(() => messages, /serving spam with .* at (http:\/\/127\.0\.0\.1:\d+)\//))[1]!;
    const bio0 = JSON.parse((await call(url, "GET", "/spam/v1/bio")).body) as { specHash: string };

    const loop = requestLoop(url);
    await until(() => String(loop.ok()), /^[1-9]\d{1,}/);

    // 1. A valid spec edit: the served /bio changes to the new spec's hash.
    const original = readFileSync(SPEC, "utf8");
    writeFileSync(SPEC, original.replace("port: 8000", "port: 8001"));
    await until(() => messages, /project\.yaml changed: reloaded in \d+ ms \(validated in \d+ ms, generated and ready in \d+ ms\), serving /);
    const bio1 = JSON.parse((await call(url, "GET", "/spam/v1/bio")).body) as { specHash: string };
    expect(bio1.specHash).not.toBe(bio0.specHash);

    // 2. An invalid edit: the diagnostic with file:line:col, and the old server keeps answering.
    const okBefore = loop.ok();
    writeFileSync(SPEC, original.replace("key: SPAM", 'key: "SPAM;rm"'));
    await until(() => messages, /project\.yaml changed: invalid, still serving /);
    expect(messages).toMatch(/projects\/spam\/project\.yaml:\d+:\d+ error MESH016 key:/);
    await until(() => String(loop.ok() - okBefore), /^[1-9]\d+/);

    // 3. Fixed again: a second reload, serving the original spec.
    writeFileSync(SPEC, original);
    await until(() => messages, /(reloaded in \d+ ms[^]*){2}/);
    const bio2 = JSON.parse((await call(url, "GET", "/spam/v1/bio")).body) as { specHash: string };
    expect(bio2.specHash).toBe(bio0.specHash);

    const { ok, failures } = await loop.stop();
    expect(failures).toEqual([]);
    expect(ok).toBeGreaterThan(50);

    abort.abort();
    expect(await done).toBe(0);
    const pids = pidsOf(logs);
    expect(pids.length).toBe(3);
    expect(pids.filter(alive)).toEqual([]);
    await expect(call(url, "GET", "/spam/v1/live")).rejects.toThrow();
  }, 150_000);

  test("Ctrl-C on the real CLI stops the proxy and every child server (no orphans)", async () => {
    const child = spawn(process.execPath, [join(ROOT, "bin/mesh.js"), "dev", "spam", "--port", "0", "--model", MODEL, "--log-format", "json"], { cwd: WS, stdio: ["ignore", "pipe", "pipe"] });
    let messages = "";
    let logs = "";
    child.stderr.on("data", (c) => (messages += c));
    child.stdout.on("data", (c) => (logs += c));
    const exited = new Promise<number | null>((res) => child.on("exit", (code) => res(code)));
    try {
      const url = (await until(() => messages, /serving spam with .* at (http:\/\/127\.0\.0\.1:\d+)\//))[1]!;
      expect((await call(url, "POST", "/spam/v1/predict", PREDICT)).status).toBe(200);
      const pids = pidsOf(logs);
      expect(pids).toHaveLength(1);
      child.kill("SIGINT");
      expect(await exited).toBe(0);
      expect(pids.filter(alive)).toEqual([]);
      expect(messages).toContain("mesh dev: stopped");
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 90_000);
  test("a new version published to the registry is picked up: /bio names it after the reload", async () => {
    const uri = `file://${WS}/.mesh/registry-dev`;
    const registry = openRegistry(uri);
    const files = { "model.onnx": buildDenseModel({ sizes: [4096, 2], inputName: "features", outputName: "probabilities" }) };
    const card = { project: "spam", specHash: "s".repeat(64), params: {}, toolVersion: "test", type: "trained" as const, metrics: { accuracy: 0.97 } };
    const v1 = await registry.publishModel("spam", "SPAM", "TRAINED", files, card);
    const err = new PassThrough();
    const out = new PassThrough();
    out.resume();
    let messages = "";
    err.on("data", (c) => (messages += c));
    const abort = new AbortController();
    const done = runDev({ root: WS, cwd: WS, name: "spam", port: 0, registry: uri, err, out, signal: abort.signal });
    try {
      const url = (await until(() => messages, new RegExp(`serving spam with SPAM-TRAINED-${v1.version}.* at (http://127\\.0\\.0\\.1:\\d+)/`)))[1]!;
      const loop = requestLoop(url, 2);
      const v2 = await registry.publishModel("spam", "SPAM", "TRAINED", files, card);
      await until(() => messages, new RegExp(`changed: reloaded in \\d+ ms.*serving SPAM-TRAINED-${v2.version}`));
      expect((JSON.parse((await call(url, "GET", "/spam/v1/bio")).body) as { version: string }).version).toBe(`SPAM-TRAINED-${v2.version}`);
      const { failures } = await loop.stop();
      expect(failures).toEqual([]);
    } finally {
      abort.abort();
      expect(await done).toBe(0);
    }
  }, 150_000);
  test("the serving child killed from outside: mesh dev says so and serves again", async () => {
    const err = new PassThrough();
    const out = new PassThrough();
    let messages = "";
    let logs = "";
    err.on("data", (c) => (messages += c));
    out.on("data", (c) => (logs += c));
    const abort = new AbortController();
    const done = runDev({ root: WS, cwd: WS, name: "spam", port: 0, model: MODEL, err, out, signal: abort.signal });
    try {
      const url = (await until(() => messages, /serving spam with .* at (http:\/\/127\.0\.0\.1:\d+)\//))[1]!;
      const [pid] = pidsOf(logs);
      process.kill(pid!, "SIGKILL");
      await until(() => messages, /the server serving .* exited \(1\); starting it again/);
      await until(() => messages, /reloaded in \d+ ms/);
      expect((await call(url, "POST", "/spam/v1/predict", PREDICT)).status).toBe(200);
    } finally {
      abort.abort();
      await done;
    }
    expect(pidsOf(logs).filter(alive)).toEqual([]);
  }, 150_000);
});
