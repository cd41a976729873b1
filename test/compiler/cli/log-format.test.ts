/**
 * Server logs for a person: `pretty` re-formats each JSON line with pino-pretty (message,
 * level, fields; pid/hostname dropped), passes other lines through and keeps a line split
 * across chunks whole; `json` passes bytes through untouched; the default follows the TTY.
 */
import { describe, expect, test } from "vitest";
import { PassThrough } from "node:stream";
import { logSink, resolveLogFormat } from "../../../compiler/serve/log-format.js";

function collect() {
  const dest = new PassThrough();
  let text = "";
  dest.on("data", (c) => (text += c));
  return { dest, text: () => text };
}

const READY = JSON.stringify({ level: 30, time: 1764680000000, service: "spam", pid: 42, hostname: "h", url: "http://127.0.0.1:8000", model: "SPAM-COMPILED-1", msg: "ready" });

describe("server log format", () => {
  test("pretty: one readable line per JSON line (single-line form), fields kept, pid/hostname dropped, partial chunks joined, other lines untouched", async () => {
    const c = collect();
    const sink = logSink("pretty", c.dest);
    sink.write(READY.slice(0, 20));
    sink.write(`${READY.slice(20)}\nnot json\n`);
    await new Promise<void>((r) => sink.end(r));
    const lines = c.text().split("\n").filter(Boolean);
    expect(lines[0]).toMatch(/INFO.*ready/);
    expect(c.text()).toMatch(/"url":"http:\/\/127\.0\.0\.1:8000"/);
    expect(c.text()).toMatch(/"model":"SPAM-COMPILED-1"/);
    expect(c.text()).not.toMatch(/hostname|pid/);
    expect(c.text()).not.toContain("\u001b"); // not a TTY: no colours
    expect(lines).toHaveLength(2);
    expect(lines.at(-1)).toBe("not json");
  });

  test("pretty: an access record reads as a request line — method, path, status, latency, rows, id — with no control characters", async () => {
    const c = collect();
    const sink = logSink("pretty", c.dest);
    const access = { level: 30, time: 1764680000000, service: "spam", pid: 42, hostname: "h", reqId: "a1-7", method: "POST", path: "/spam/v1/predict", status: 200, ms: 1.23, rows: 4, msg: "request" };
    sink.write(`${JSON.stringify(access)}\n`);
    sink.write(`${JSON.stringify({ ...access, path: "/x\u001b[31m", status: 404, ms: 12.6, rows: undefined })}\n`);
    await new Promise<void>((r) => sink.end(r));
    const lines = c.text().split("\n").filter(Boolean);
    expect(lines[0]).toMatch(/INFO.*POST \/spam\/v1\/predict 200 1\.2 ms rows=4 id=a1-7$/);
    expect(lines[0]).not.toMatch(/"status"|service/);
    expect(lines[1]).toMatch(/POST \/x\?\[31m 404 13 ms id=a1-7$/);
    expect(c.text()).not.toContain("\u001b");
  });

  test("json passes through byte for byte; the default is pretty only on a TTY", () => {
    const c = collect();
    expect(logSink("json", c.dest)).toBe(c.dest);
    expect(resolveLogFormat(undefined, Object.assign(new PassThrough(), { isTTY: true }))).toBe("pretty");
    expect(resolveLogFormat(undefined, new PassThrough())).toBe("json");
    expect(resolveLogFormat("json", Object.assign(new PassThrough(), { isTTY: true }))).toBe("json");
  });
});
