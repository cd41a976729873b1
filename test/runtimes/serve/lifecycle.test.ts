/**
 * Process life: readiness only after warm-up, start-up refusal on bad configuration,
 * SIGTERM drain with a request in flight, queue full → 503 + Retry-After.
 */
import { afterAll, afterEach, describe, expect, test } from "vitest";
import { connect, type Socket } from "node:net";
import { Agent, request } from "node:http";
import { call, postJson, startFixture, tempDir, textModel } from "../../support/serve/helpers.js";
import { cleanFixtureBuild, spawnFixture, type Child } from "../../support/serve/child.js";

const children: Child[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill();
});
afterAll(() => cleanFixtureBuild());
function start(env: Record<string, string>): Child {
  const c = spawnFixture(env);
  children.push(c);
  return c;
}
const readyUrl = async (c: Child) => String((await c.waitFor((l) => l["msg"] === "ready"))["url"]);

/** A raw socket that has sent `head` and waits; `finish` sends the rest and resolves with the raw response. */
function partial(url: string, head: string): Promise<{ socket: Socket; finish(rest: string): Promise<string> }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(head);
      let data = "";
      socket.on("data", (c) => (data += c.toString()));
      const ended = new Promise<string>((res) => {
        socket.on("end", () => res(data));
        socket.on("close", () => res(data));
      });
      resolve({ socket, finish: (rest) => (socket.write(rest), ended) });
    });
    socket.on("error", reject);
  });
}

/**
 * True once a new connection is refused, polling for up to `ms`: every 100 ms, since the
 * listener stays open until no connection came for 50 ms (shutdown.ts), and a faster poll
 * would itself keep it open.
 */
async function refusedWithin(url: string, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const refused = await call(url, "GET", "/spamlike/v1/live").then(
      () => false,
      (err: NodeJS.ErrnoException) => err.code === "ECONNREFUSED",
    );
    if (refused) return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

describe("readiness", () => {
  test("ready stays 503 (and predict refuses) until the model is loaded and warmed up", async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const h = await startFixture("text", {}, { beforeReady: () => gate });
    try {
      expect((await call(h.url, "GET", "/spamlike/v1/live")).status).toBe(200);
      const notReady = await call(h.url, "GET", "/spamlike/v1/ready");
      expect(notReady.status).toBe(503);
      expect(notReady.headers["retry-after"]).toBe("1");
      expect((await call(h.url, "GET", "/v2/health/ready")).status).toBe(503);
      const early = await postJson(h.url, "/spamlike/v1/predict", { data: { namespace: "spamlike", attributes: { text: "hi" } } });
      expect(early.status).toBe(503);
      expect(early.json().errors[0].code).toBe("not_ready");
      release();
      await h.ready;
      expect((await call(h.url, "GET", "/spamlike/v1/ready")).status).toBe(200);
    } finally {
      release();
      await h.close();
    }
  });

  test("a model that does not match the definition never becomes ready", async () => {
    const { startServer } = await import("../../../runtimes/serve/server.js");
    const { textDefinition } = await import("../../support/serve/fixtures/text-definition.js");
    const { testConfig, writeModel, memoryLogger } = await import("../../support/serve/helpers.js");
    const dir = tempDir();
    const modelPath = writeModel(dir, [32, 2], "features"); // definition says 64 wide
    const log = memoryLogger();
    const h = await startServer(textDefinition() as never, testConfig({ modelPath }), { logger: log.logger });
    await expect(h.ready).rejects.toThrow(/shape \[-1, 32\] in the model, \[-1, 64\]/);
    await h.close();
  });
});

describe("start-up configuration", () => {
  test("an unknown MESH_ variable stops the start with exit 1 and a did-you-mean", async () => {
    const c = start({ MESH_MODEL_PATH: textModel(tempDir()), MESH_BATCH_MAXX: "4" });
    expect(await c.exited).toBe(1);
    expect(c.stderr).toMatch(/unknown environment variable MESH_BATCH_MAXX \(did you mean MESH_BATCH_MAX\?\)/);
    expect(c.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  test("an invalid value names the variable", async () => {
    const c = start({ MESH_MODEL_PATH: textModel(tempDir()), MESH_PORT: "80x" });
    expect(await c.exited).toBe(1);
    expect(c.stderr).toMatch(/invalid MESH_PORT: expected an integer, got "80x"/);
  });

  test("a missing model file exits 1 with a clear message", async () => {
    const c = start({ MESH_MODEL_PATH: "/nonexistent/model.onnx" });
    expect(await c.exited).toBe(1);
    expect(c.stderr).toMatch(/nonexistent\/model\.onnx/);
  });
});

describe("graceful shutdown", () => {
  test("SIGTERM: ready turns 503, the in-flight request completes, new connections are refused, exit 0", async () => {
    const c = start({ MESH_MODEL_PATH: textModel(tempDir()) });
    const url = await readyUrl(c);
    const body = JSON.stringify({ data: { namespace: "spamlike", attributes: { text: "slow upload" } } });
    const half = Math.floor(body.length / 2);
    // An in-flight predict whose body is half sent, and a readiness probe whose headers are half sent.
    const slow = await partial(url, `POST /spamlike/v1/predict HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body.slice(0, half)}`);
    const probe = await partial(url, "GET /spamlike/v1/ready HTTP/1.1\r\nHost: x\r\n");
    await new Promise((r) => setTimeout(r, 100));
    c.proc.kill("SIGTERM");
    await c.waitFor((l) => l["msg"] === "draining");
    const probeReply = await probe.finish("\r\n");
    expect(probeReply).toMatch(/^HTTP\/1\.1 503/);
    expect(probeReply).toContain('"ready":false');
    // The listener stays open for the moment it takes to accept what the kernel had queued
    // (shutdown.ts), then refuses new connections.
    await expect(refusedWithin(url, 2_000)).resolves.toBe(true);
    const reply = await slow.finish(body.slice(half));
    expect(reply).toMatch(/^HTTP\/1\.1 200/);
    expect(reply).toMatch(/connection: close/i);
    expect(reply).toContain('"namespace":"spamlike"');
    expect(await c.exited).toBe(0);
    expect(c.lines.some((l) => l["msg"] === "stopped" && l["outcome"] === "drained")).toBe(true);
  });

  test("past the drain deadline the waiting request gets 503 + Retry-After, then connections close; exit 0", async () => {
    const c = start({ MESH_MODEL_PATH: textModel(tempDir()), MESH_DRAIN_MS: "300" });
    const url = await readyUrl(c);
    const stuck = await partial(url, `POST /spamlike/v1/predict HTTP/1.1\r\nHost: x\r\ncontent-type: application/json\r\ncontent-length: 1000\r\n\r\n{"data":`);
    await new Promise((r) => setTimeout(r, 200)); // let the server start reading it
    c.proc.kill("SIGTERM");
    const reply = stuck.finish("");
    expect(await c.exited).toBe(0);
    // Answered before the deadline, not just cut: 503 with Retry-After, then the close.
    expect(await reply).toMatch(/^HTTP\/1\.1 503[^]*retry-after: 1[^]*"code":"draining"/i);
    expect(c.lines.find((l) => l["msg"] === "stopped")).toMatchObject({ outcome: "forced", refused: 1, reset: 1 });
    stuck.socket.destroy();
  });
});

describe("workers", () => {
  test("MESH_WORKERS=2: two processes share the port, both answer, SIGTERM stops all with exit 0", async () => {
    const c = start({ MESH_MODEL_PATH: textModel(tempDir()), MESH_WORKERS: "2" });
    const all = await c.waitFor((l) => l["msg"] === "all workers ready");
    const url = String(all["url"]);
    const pids = new Set(c.lines.filter((l) => l["msg"] === "ready").map((l) => l["pid"]));
    expect(pids.size).toBe(2);
    expect(pids.has(c.proc.pid)).toBe(false);
    const replies = await Promise.all(Array.from({ length: 8 }, () => postJson(url, "/spamlike/v1/predict", { data: { namespace: "spamlike", attributes: { text: "hi" } } })));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    c.proc.kill("SIGTERM");
    expect(await c.exited).toBe(0);
    expect(c.lines.filter((l) => l["msg"] === "stopped")).toHaveLength(2);
  });
});

describe("overload", () => {
  test("queue full → 503 with Retry-After; queued requests still succeed", async () => {
    const c = start({ MESH_MODEL_PATH: textModel(tempDir()), FIXTURE_SLOW_MS: "400", MESH_QUEUE_ROWS: "2", MESH_MAX_ROWS: "2" });
    const url = await readyUrl(c);
    // Keep-alive connections opened beforehand: their next requests are all read in the one
    // event-loop turn between the slow batch's encoding and its model call.
    const agent = new Agent({ keepAlive: true, maxSockets: 6 });
    const send = (text: string, via?: Agent) =>
      new Promise<{ status: number; retry: string | undefined; body: any }>((resolve, reject) => {
        const body = JSON.stringify({ data: { namespace: "spamlike", attributes: { text } } });
        const req = request(`${url}/spamlike/v1/predict`, { method: "POST", agent: via ?? false, headers: { "content-type": "application/json" } }, (res) => {
          let text = "";
          res.on("data", (d) => (text += d));
          res.on("end", () => resolve({ status: res.statusCode!, retry: res.headers["retry-after"] as string | undefined, body: JSON.parse(text) }));
        });
        req.on("error", reject);
        req.end(body);
      });
    try {
      await Promise.all(Array.from({ length: 6 }, (_, i) => send(`warm ${i}`, agent)));
      const slow = send("slow");
      await new Promise((r) => setTimeout(r, 150)); // the server is now blocked encoding "slow"
      const rest = await Promise.all(Array.from({ length: 6 }, (_, i) => send(`fast ${i}`, agent)));
      expect((await slow).status).toBe(200);
      const full = rest.filter((r) => r.status === 503);
      const ok = rest.filter((r) => r.status === 200);
      expect(full.length).toBeGreaterThanOrEqual(1);
      expect(ok.length).toBeGreaterThanOrEqual(2);
      expect(full.length + ok.length).toBe(6);
      for (const r of full) {
        expect(r.retry).toBe("1");
        expect(r.body.errors[0]).toMatchObject({ status: "503", code: "queue_full" });
      }
    } finally {
      agent.destroy();
    }
  });
});
