/**
 * Issue 13 items 4 and 5: what happens below the routes. Slow headers are cut at the
 * documented headers timeout (MESH_TIMEOUT_MS + 5 s), not up to 30 s later; a refusal inside an
 * HTTP pipeline keeps the requests behind it; Node's own answers (417, a request without Host,
 * parser errors, CONNECT) come in the JSON error shape and are counted in /metrics; a JSON
 * body in a charset other than UTF-8 is refused with 415 naming it, bytes that are not UTF-8
 * with 400.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { connect } from "node:net";
import type { ServerHandle } from "../../../runtimes/serve/server.js";
import { TEXT_DIMS } from "../../support/serve/fixtures/text-definition.js";
import { call, startFixture } from "../../support/serve/helpers.js";

const P = "/spamlike/v1/predict";
const good = JSON.stringify({ data: { namespace: "spamlike", attributes: { text: "hello" } } });

let h: ServerHandle;
beforeAll(async () => {
  h = await startFixture("text"); // MESH_TIMEOUT_MS 2000: headers must arrive within 7 s
});
afterAll(async () => {
  await h.close();
});

interface RawReply {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/** Splits what the server wrote on one connection into responses (all framed by Content-Length here). */
function parseReplies(raw: Buffer): RawReply[] {
  const out: RawReply[] = [];
  let at = 0;
  while (at < raw.length) {
    const end = raw.indexOf("\r\n\r\n", at);
    if (end < 0) throw new Error(`truncated response: ${raw.subarray(at).toString()}`);
    const [statusLine, ...lines] = raw.subarray(at, end).toString("latin1").split("\r\n");
    const headers: Record<string, string> = {};
    for (const l of lines) {
      const i = l.indexOf(":");
      headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    const status = Number(statusLine!.split(" ")[1]);
    const length = Number(headers["content-length"] ?? 0);
    out.push({ status, headers, body: raw.subarray(end + 4, end + 4 + length).toString("utf8") });
    at = end + 4 + length;
  }
  return out;
}

/** Writes `text` on one connection and collects everything until the server closes it. */
function exchange(text: string | Buffer, timeoutMs = 5_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const { hostname, port } = new URL(h.url);
    const chunks: Buffer[] = [];
    const s = connect(Number(port), hostname, () => s.write(text));
    s.on("data", (c: Buffer) => chunks.push(c));
    s.on("close", () => resolve(Buffer.concat(chunks)));
    s.on("error", reject);
    setTimeout(() => {
      s.destroy();
      reject(new Error(`the server did not close the connection within ${timeoutMs} ms; got: ${Buffer.concat(chunks).toString()}`));
    }, timeoutMs).unref();
  });
}

const post = (body: string | Buffer, headers: Record<string, string> = {}, last = false) => {
  const all = { host: "x", "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), ...headers, ...(last ? { connection: "close" } : {}) };
  const head = `POST ${P} HTTP/1.1\r\n${Object.entries(all)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("")}\r\n`;
  return Buffer.concat([Buffer.from(head, "latin1"), Buffer.isBuffer(body) ? body : Buffer.from(body)]);
};

function expectJsonError(r: RawReply, status: number, code: string) {
  expect(r.status).toBe(status);
  expect(r.headers["content-type"]).toMatch(/^application\/json/);
  const e = JSON.parse(r.body).errors[0];
  expect(e).toMatchObject({ status: String(status), code });
  expect(typeof e.detail).toBe("string");
  return e;
}

async function metric(line: string): Promise<number> {
  const text = (await call(h.url, "GET", "/metrics")).text;
  const hit = text.split("\n").find((l) => l.startsWith(`${line} `));
  return hit ? Number(hit.slice(line.length + 1)) : 0;
}

describe("slow headers", () => {
  test("headers at 1 byte/s are cut with a JSON 408 at the headers timeout (7 s), not up to 30 s later", async () => {
    const before = await metric('mesh_http_requests_total{route="unparsed",status="408"}');
    const { hostname, port } = new URL(h.url);
    const head = `GET /spamlike/v1/live HTTP/1.1\r\nHost: x\r\nX-Slow: ${"a".repeat(100)}`;
    const started = performance.now();
    const result = await new Promise<{ seconds: number; raw: string }>((resolve) => {
      let raw = "";
      let i = 0;
      const s = connect(Number(port), hostname, () => s.write(head[i++]!));
      const drip = setInterval(() => s.writable && s.write(head[i++ % head.length]!), 1_000);
      s.on("data", (c) => (raw += c));
      s.on("error", () => undefined);
      const done = () => {
        clearInterval(drip);
        clearTimeout(giveUp);
        s.destroy();
        resolve({ seconds: (performance.now() - started) / 1000, raw });
      };
      s.on("close", done);
      const giveUp = setTimeout(done, 12_000);
    });
    expect(result.raw, `cut after ${result.seconds.toFixed(1)} s`).toMatch(/^HTTP\/1\.1 408/);
    expect(result.seconds).toBeGreaterThanOrEqual(6.9);
    expect(result.seconds).toBeLessThan(8.5);
    const [reply] = parseReplies(Buffer.from(result.raw, "latin1"));
    expectJsonError(reply!, 408, "request_timeout");
    expect(await metric('mesh_http_requests_total{route="unparsed",status="408"}')).toBe(before + 1);
  }, 20_000);
});

describe("pipelines", () => {
  test("a 415 inside a pipeline of 8 answers all 8, in order, on one connection", async () => {
    const requests = [post(good, { "content-type": "text/plain" }), ...Array.from({ length: 7 }, (_, i) => post(good, {}, i === 6))];
    const replies = parseReplies(await exchange(Buffer.concat(requests)));
    expect(replies.map((r) => r.status)).toEqual([415, 200, 200, 200, 200, 200, 200, 200]);
    expectJsonError(replies[0]!, 415, "unsupported_media_type");
    expect(replies[0]!.headers["connection"]).not.toBe("close");
    for (const r of replies.slice(1)) expect(JSON.parse(r.body).data.attributes.label).toMatch(/ham|spam/);
  });

  test("a chunked 415 is read within the body limit and the pipeline goes on", async () => {
    const chunked = `POST ${P} HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`;
    const replies = parseReplies(await exchange(Buffer.concat([Buffer.from(chunked), post(good, {}, true)])));
    expect(replies.map((r) => r.status)).toEqual([415, 200]);
  });

  test("garbage after a good request: the good one is answered first, then a JSON 400, then the connection closes", async () => {
    const replies = parseReplies(await exchange(Buffer.concat([post(good), Buffer.from("NOT HTTP AT ALL\r\n\r\n")])));
    expect(replies.map((r) => r.status)).toEqual([200, 400]);
    expect(JSON.parse(replies[0]!.body).data.namespace).toBe("spamlike");
    expectJsonError(replies[1]!, 400, "bad_request");
  });
});

describe("Node's own answers, in the JSON error shape and counted", () => {
  test("Expect other than 100-continue → 417 JSON; 100-continue still works", async () => {
    const before = await metric('mesh_http_errors_total{code="expectation_failed"}');
    const [r] = parseReplies(await exchange(`GET /spamlike/v1/live HTTP/1.1\r\nHost: x\r\nExpect: something-else\r\nConnection: close\r\n\r\n`));
    expect(expectJsonError(r!, 417, "expectation_failed").detail).toContain("something-else");
    expect(await metric('mesh_http_errors_total{code="expectation_failed"}')).toBe(before + 1);
    const raw = (await exchange(post(good, { expect: "100-continue" }, true))).toString();
    expect(raw).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200/);
  });

  test("an HTTP/1.1 request without Host → 400 JSON, and the pipeline behind it is answered", async () => {
    const before = await metric('mesh_http_errors_total{code="missing_host"}');
    const replies = parseReplies(await exchange(`GET /spamlike/v1/live HTTP/1.1\r\n\r\nGET /spamlike/v1/live HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`));
    expect(replies.map((r) => r.status)).toEqual([400, 200]);
    expectJsonError(replies[0]!, 400, "missing_host");
    expect(await metric('mesh_http_errors_total{code="missing_host"}')).toBe(before + 1);
    expect(await metric('mesh_http_requests_total{route="unmatched",status="400"}')).toBeGreaterThanOrEqual(1);
  });

  test('parser-level 400 and 431 are counted in /metrics (route "unparsed")', async () => {
    const bad = await metric('mesh_http_requests_total{route="unparsed",status="400"}');
    const big = await metric('mesh_http_requests_total{route="unparsed",status="431"}');
    const badCode = await metric('mesh_http_errors_total{code="bad_request"}');
    expectJsonError(parseReplies(await exchange("NOT HTTP AT ALL\r\n\r\n"))[0]!, 400, "bad_request");
    expectJsonError(parseReplies(await exchange(`GET /spamlike/v1/live HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(40_000)}\r\n\r\n`))[0]!, 431, "headers_too_large");
    expect(await metric('mesh_http_requests_total{route="unparsed",status="400"}')).toBe(bad + 1);
    expect(await metric('mesh_http_requests_total{route="unparsed",status="431"}')).toBe(big + 1);
    expect(await metric('mesh_http_errors_total{code="bad_request"}')).toBe(badCode + 1);
  });

  test("CONNECT → 405 JSON instead of a silently dropped connection", async () => {
    const [r] = parseReplies(await exchange("CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n"));
    expectJsonError(r!, 405, "method_not_allowed");
  });
});

describe("charsets", () => {
  const send = (body: Buffer | string, contentType: string) => exchange(post(body, { "content-type": contentType }, true)).then((raw) => parseReplies(raw)[0]!);

  test("charset=utf-16 → 415 naming the charset (the body was read as UTF-8 before)", async () => {
    const r = await send(Buffer.from(good, "utf16le"), "application/json; charset=utf-16");
    expect(expectJsonError(r, 415, "unsupported_media_type").detail).toContain('"utf-16"');
    const latin1 = await send(Buffer.from(good, "latin1"), "application/json; charset=ISO-8859-1");
    expect(expectJsonError(latin1, 415, "unsupported_media_type").detail).toContain('"ISO-8859-1"');
  });

  test("utf-8 in any spelling is read; bytes that are not UTF-8 → 400", async () => {
    for (const type of ["application/json; charset=utf-8", 'application/json;charset="UTF-8"', "application/json; charset=utf8"]) {
      expect((await send(good, type)).status, type).toBe(200);
    }
    const latin1 = Buffer.from(JSON.stringify({ data: { namespace: "spamlike", attributes: { text: "café" } } }), "latin1");
    expect(expectJsonError(await send(latin1, "application/json"), 400, "malformed_json").detail).toMatch(/not valid UTF-8/);
  });

  test("the V2 route refuses the same charsets", async () => {
    const body = JSON.stringify({ inputs: [{ name: "features", shape: [1, TEXT_DIMS], datatype: "FP32", data: new Array(TEXT_DIMS).fill(0.5) }] });
    const r = await exchange(
      Buffer.concat([
        Buffer.from(
          `POST /v2/models/spamlike/infer HTTP/1.1\r\nHost: x\r\nContent-Type: application/json; charset=utf-16\r\nContent-Length: ${Buffer.byteLength(body, "utf16le")}\r\nConnection: close\r\n\r\n`,
        ),
        Buffer.from(body, "utf16le"),
      ]),
    );
    expectJsonError(parseReplies(r)[0]!, 415, "unsupported_media_type");
  });
});
