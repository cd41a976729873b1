/**
 * Issue 13 item 2: SIGTERM under load. Forty heavy predicts are fully written (half on
 * keep-alive connections that were idle before, half on fresh ones) while the server is busy;
 * SIGTERM follows. Every one of them gets an answer — 200, or 503 with Retry-After — within
 * drain_ms, none is reset, and the "stopped" line comes after the last answer and says what
 * happened.
 */
import { afterAll, afterEach, expect, test } from "vitest";
import { Agent, request } from "node:http";
import { tempDir, textModel } from "../../support/serve/helpers.js";
import { cleanFixtureBuild, spawnFixture, type Child } from "../../support/serve/child.js";

const children: Child[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill();
});
afterAll(() => cleanFixtureBuild());

const DRAIN_MS = 10_000;
const N = 40;
const ROWS = 64;

interface Outcome {
  readonly status?: number;
  readonly retry?: string;
  readonly code?: string;
  readonly error?: string;
  /** Date.now() when the answer (or the error) came. */
  readonly at: number;
  readonly body?: any;
}

/**
 * A heavy predict: 64 rows of ~1.5 kB of text to parse, decode and featurize, and one row
 * ("slow") whose encoding holds the event loop FIXTURE_SLOW_MS, as a big model would.
 */
function heavyBody(i: number): string {
  const words = Array.from({ length: 300 }, (_, w) => `w${(w * 7919 + i) % 1000}`).join(" ");
  return JSON.stringify({ data: { namespace: "spamlike", attributes: { text: ["slow", ...Array.from({ length: ROWS - 1 }, (_, r) => `${r} ${words}`)] } } });
}

function send(url: string, body: string, agent: Agent | false, written: () => void): Promise<Outcome> {
  return new Promise((resolve) => {
    const req = request(`${url}/spamlike/v1/predict`, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => {
        let parsed: any;
        try {
          parsed = JSON.parse(text);
        } catch {
          parsed = undefined;
        }
        resolve({ status: res.statusCode, retry: res.headers["retry-after"] as string | undefined, code: parsed?.errors?.[0]?.code, at: Date.now(), body: parsed });
      });
      res.on("error", (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message, at: Date.now() }));
    });
    req.on("error", (err: NodeJS.ErrnoException) => resolve({ error: err.code ?? err.message, at: Date.now() }));
    req.on("finish", written);
    req.end(body);
  });
}

// One process, and two cluster workers (the primary accepts and hands connections over).
for (const workers of [1, 2]) {
  test(`SIGTERM with 40 heavy predicts sent (MESH_WORKERS=${workers}): each is answered (200, or 503 + Retry-After) within drain_ms, none is reset, the log says when it drained`, async () => {
    const c = spawnFixture({
      MESH_MODEL_PATH: textModel(tempDir()),
      MESH_DRAIN_MS: String(DRAIN_MS),
      MESH_TIMEOUT_MS: "60000",
      MESH_MAX_ROWS: "256",
      MESH_QUEUE_ROWS: "65536",
      MESH_WORKERS: String(workers),
      FIXTURE_SLOW_MS: "100",
    });
    children.push(c);
    const url = String((await c.waitFor((l) => l["msg"] === (workers > 1 ? "all workers ready" : "ready")))["url"]);
    // Twenty keep-alive connections, used once and now idle: the next request on each is the
    // kind a drain that closes "idle" connections resets.
    const agent = new Agent({ keepAlive: true, maxSockets: N / 2 });
    const warm = await Promise.all(Array.from({ length: N / 2 }, () => send(url, JSON.stringify({ data: { namespace: "spamlike", attributes: { text: "warm" } } }), agent, () => undefined)));
    expect(warm.every((w) => w.status === 200)).toBe(true);

    const bodies = Array.from({ length: N }, (_, i) => heavyBody(i));
    let written = 0;
    let allWritten!: () => void;
    const sent = new Promise<void>((r) => (allWritten = r));
    const onWritten = () => ++written === N && allWritten();
    const outcomes = Promise.all(bodies.map((b, i) => send(url, b, i % 2 === 0 ? agent : false, onWritten)));
    await sent;
    await new Promise((r) => setTimeout(r, 300));
    const termAt = Date.now();
    c.proc.kill("SIGTERM");
    const results = await outcomes;
    const code = await c.exited;
    agent.destroy();

    const resets = results.filter((r) => r.error);
    const ok = results.filter((r) => r.status === 200);
    const refused = results.filter((r) => r.status === 503);
    const summary = {
      ok: ok.length,
      refused: refused.length,
      resets: resets.map((r) => r.error),
      other: results.filter((r) => r.status !== undefined && r.status !== 200 && r.status !== 503).map((r) => r.status),
    };
    expect(resets, JSON.stringify(summary)).toEqual([]);
    expect(ok.length + refused.length, JSON.stringify(summary)).toBe(N);
    for (const r of ok) expect(r.body.data.attributes.label).toHaveLength(ROWS);
    for (const r of refused) {
      expect(r.retry).toBe("1");
      expect(r.code).toBe("draining");
    }
    const last = Math.max(...results.map((r) => r.at));
    expect(last - termAt).toBeLessThan(DRAIN_MS);
    expect(code).toBe(0);
    // The log tells the truth: "stopped" (one per process) comes after every answer went out, and says how.
    const stopped = c.lines.filter((l) => l["msg"] === "stopped");
    expect(stopped, JSON.stringify(c.lines.slice(-5))).toHaveLength(workers);
    for (const line of stopped) expect(line).toMatchObject({ outcome: "drained", refused: 0, reset: 0 });
    expect(stopped.reduce((n, l) => n + Number(l["answered"]), 0)).toBeGreaterThanOrEqual(refused.length);
    expect(Math.max(...stopped.map((l) => Date.parse(String(l["time"]))))).toBeGreaterThanOrEqual(last - 50);
  }, 60_000);
}
