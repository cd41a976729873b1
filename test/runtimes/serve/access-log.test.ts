/**
 * The access log a person reads while `mesh dev` / `mesh serve` runs: with MESH_ACCESS_LOG on,
 * one info line per request — method, path (the route, never the query string), status,
 * latency, rows, request id — and never the body; with it off (the default, as in every
 * generated container) no request line at all.
 */
import { afterEach, describe, expect, test } from "vitest";
import { loadConfig } from "../../../runtimes/serve/config.js";
import { startServer, type ServerHandle } from "../../../runtimes/serve/server.js";
import type { ServiceDefinition } from "../../../runtimes/serve/definition.js";
import { textDefinition } from "../../support/serve/fixtures/text-definition.js";
import { call, memoryLogger, postJson, tempDir, textModel } from "../../support/serve/helpers.js";

/** A text server configured the way the server reads it: from the environment. */
async function start(env: Record<string, string>, logger: ReturnType<typeof memoryLogger>["logger"]): Promise<ServerHandle> {
  const r = loadConfig({ MESH_HOST: "127.0.0.1", MESH_PORT: "0", MESH_MODEL_PATH: textModel(tempDir()), ...env });
  if (!r.ok) throw new Error(r.message);
  const handle = await startServer(textDefinition() as ServiceDefinition, r.config, { logger });
  await handle.ready;
  return handle;
}

let h: ServerHandle | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const SECRET = "my-private-message-4711";
const body = { data: { namespace: "spamlike", attributes: { text: [SECRET, "second row", "third"] } } };

describe("access log", () => {
  test("MESH_ACCESS_LOG is a declared boolean, off unless set", () => {
    const off = loadConfig({ MESH_MODEL_PATH: "/m.onnx" });
    const on = loadConfig({ MESH_MODEL_PATH: "/m.onnx", MESH_ACCESS_LOG: "1" });
    expect(off.ok && off.config.accessLog).toBe(false);
    expect(on.ok && on.config.accessLog).toBe(true);
    const bad = loadConfig({ MESH_MODEL_PATH: "/m.onnx", MESH_ACCESS_LOG: "loud" });
    expect(!bad.ok && bad.message).toMatch(/MESH_ACCESS_LOG: expected true or false/);
  });

  test("on: one line per request with method, route path, status, latency, rows and id; no body, no query", async () => {
    const mem = memoryLogger("info");
    h = await start({ MESH_ACCESS_LOG: "1" }, mem.logger);
    const r = await postJson(h.url, `/spamlike/v1/predict?token=${SECRET}`, body, { "x-request-id": "req-42" });
    expect(r.status).toBe(200);
    await call(h.url, "GET", `/nowhere/at/all?user=${SECRET}`);
    await postJson(h.url, "/spamlike/v1/predict", { data: { namespace: "spamlike", attributes: { nope: 1 } } });
    const requests = mem.lines.filter((l) => l["msg"] === "request");
    expect(requests).toHaveLength(3);
    expect(requests[0]).toMatchObject({ level: 30, method: "POST", path: "/spamlike/v1/predict", status: 200, rows: 3, reqId: "req-42" });
    expect(typeof requests[0]!["ms"]).toBe("number");
    expect(requests[1]).toMatchObject({ method: "GET", path: "/nowhere/at/all", status: 404 });
    expect(requests[1]).not.toHaveProperty("rows");
    expect(requests[2]).toMatchObject({ status: 400, path: "/spamlike/v1/predict" });
    expect(JSON.stringify(mem.lines)).not.toContain(SECRET);
  });

  test("off (the default): requests write no log line", async () => {
    const mem = memoryLogger("info");
    h = await start({}, mem.logger);
    await postJson(h.url, "/spamlike/v1/predict", body);
    await call(h.url, "GET", "/nowhere");
    expect(mem.lines.filter((l) => l["msg"] === "request")).toHaveLength(0);
  });
});
