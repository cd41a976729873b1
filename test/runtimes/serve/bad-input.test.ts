/**
 * Every bad input of issue 3 gets a 4xx in the CONTRACTS error shape with a pointer, never a
 * 5xx, and the server keeps answering a good request sent at the same time.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { request } from "node:http";
import { connect } from "node:net";
import type { ServerHandle } from "../../../runtimes/serve/server.js";
import { TEXT_DIMS } from "../../support/serve/fixtures/text-definition.js";
import { call, postJson, startFixture, type Reply } from "../../support/serve/helpers.js";

const P = "/spamlike/v1/predict";
const good = { data: { namespace: "spamlike", attributes: { text: "hello" } } };

let h: ServerHandle;
beforeAll(async () => {
  h = await startFixture("text", { bodyBytes: 64 * 1024, maxRows: 8, queueRows: 64 });
});
afterAll(async () => {
  await h.close();
});

/** Sends the bad request and a good one concurrently; the good one must succeed. */
async function withGood(bad: Promise<Reply>): Promise<Reply> {
  const [b, g] = await Promise.all([bad, postJson(h.url, P, good)]);
  expect(g.status).toBe(200);
  expect(g.json().data.attributes.label).toMatch(/ham|spam/);
  return b;
}

function expectError(r: Reply, status: number, code: string, pointer?: string) {
  expect(r.status).toBe(status);
  const e = r.json().errors;
  expect(Array.isArray(e)).toBe(true);
  const hit = e.find((x: any) => x.code === code);
  expect(hit, JSON.stringify(e)).toBeDefined();
  expect(hit.status).toBe(String(status));
  expect(typeof hit.detail).toBe("string");
  if (pointer !== undefined) expect(hit.source.pointer).toBe(pointer);
}

describe("v1 predict", () => {
  const cases: [string, () => Promise<Reply>, number, string, string | undefined][] = [
    ["malformed JSON", () => call(h.url, "POST", P, '{"data": {"namespace": '), 400, "malformed_json", ""],
    ["NaN literal", () => call(h.url, "POST", P, '{"data": {"namespace": "spamlike", "attributes": {"text": NaN}}}'), 400, "malformed_json", ""],
    ["empty body", () => call(h.url, "POST", P, ""), 400, "malformed_json", ""],
    ["wrong content type", () => call(h.url, "POST", P, JSON.stringify(good), { "content-type": "text/plain" }), 415, "unsupported_media_type", undefined],
    ["body not an object", () => postJson(h.url, P, [1, 2]), 400, "invalid_type", ""],
    ["extra top-level member", () => postJson(h.url, P, { ...good, extra: 1 }), 400, "unknown_field", "/extra"],
    ["missing data", () => postJson(h.url, P, {}), 400, "missing_field", "/data"],
    ["wrong namespace", () => postJson(h.url, P, { data: { namespace: "iris", attributes: { text: "x" } } }), 400, "wrong_namespace", "/data/namespace"],
    ["missing field", () => postJson(h.url, P, { data: { namespace: "spamlike", attributes: {} } }), 400, "required", "/data/attributes/text"],
    ["extra field", () => postJson(h.url, P, { data: { namespace: "spamlike", attributes: { text: "x", subject: "y" } } }), 400, "unknown_field", "/data/attributes/subject"],
    ["wrong type", () => postJson(h.url, P, { data: { namespace: "spamlike", attributes: { text: 42 } } }), 400, "invalid_type", "/data/attributes/text"],
    ["wrong type in a batch", () => postJson(h.url, P, { data: { namespace: "spamlike", attributes: { text: ["a", null] } } }), 400, "invalid_type", "/data/attributes/text/1"],
    [
      "huge number (Infinity after parse)",
      () => call(h.url, "POST", P, '{"data": {"namespace": "spamlike", "attributes": {"text": "x"}, "parameters": {"threshold": 1e999}}}'),
      400,
      "invalid_type",
      "/data/parameters/threshold",
    ],
    ["empty batch", () => postJson(h.url, P, { data: { namespace: "spamlike", attributes: { text: [] } } }), 400, "empty_batch", "/data/attributes/text"],
    ["batch over the maximum", () => postJson(h.url, P, { data: { namespace: "spamlike", attributes: { text: new Array(9).fill("a") } } }), 400, "too_many_rows", "/data/attributes/text"],
    ["huge string within the body limit", () => postJson(h.url, P, { data: { namespace: "spamlike", attributes: { text: "a".repeat(20_000) } } }), 400, "invalid_type", "/data/attributes/text"],
    ["body over the limit (Content-Length)", () => postJson(h.url, P, { data: { namespace: "spamlike", attributes: { text: "a".repeat(100_000) } } }), 413, "payload_too_large", ""],
  ];
  for (const [name, send, status, code, pointer] of cases) {
    test(`${name} → ${status} ${code}`, async () => {
      expectError(await withGood(send()), status, code, pointer);
    });
  }

  test("a chunked body over the limit is cut off with 413, not buffered", async () => {
    let sentAtAnswer = -1;
    let sent = 0;
    const r = await withGood(
      new Promise<Reply>((resolve, reject) => {
        const req = request(`${h.url}${P}`, { method: "POST", headers: { "content-type": "application/json" }, agent: false }, (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (c: Buffer) => chunks.push(c));
          sentAtAnswer = sent;
          res.on("end", () => {
            const text = Buffer.concat(chunks).toString();
            resolve({ status: res.statusCode!, headers: res.headers, text, json: () => JSON.parse(text) });
          });
        });
        req.on("error", () => undefined); // the server closes the connection mid-upload: expected
        const chunk = "a".repeat(16 * 1024);
        const pump = () => {
          // Up to 16 MB: far past the 64 KB limit; the server must answer long before.
          while (sent < 1024 && req.write(chunk)) sent++;
          if (sent < 1024 && !req.destroyed) req.once("drain", pump);
          else req.end();
        };
        req.write('{"data": {"namespace": "spamlike", "attributes": {"text": "');
        pump();
        setTimeout(() => reject(new Error("no answer")), 20_000).unref();
      }),
    );
    expectError(r, 413, "payload_too_large", "");
    // The answer came while the client still had most of its 16 MB to send.
    expect(sentAtAnswer).toBeGreaterThanOrEqual(0);
    expect(sentAtAnswer).toBeLessThan(512);
  });
});

describe("v2 infer", () => {
  const I = "/v2/models/spamlike/infer";
  const row = new Array(TEXT_DIMS).fill(0.5);
  const tensor = (over: Record<string, unknown>) => ({ inputs: [{ name: "features", shape: [1, TEXT_DIMS], datatype: "FP32", data: row, ...over }] });
  const cases: [string, unknown, string, string][] = [
    ["wrong datatype", tensor({ datatype: "INT64" }), "invalid_datatype", "/inputs/0/datatype"],
    ["wrong rank", tensor({ shape: [TEXT_DIMS] }), "invalid_shape", "/inputs/0/shape"],
    ["wrong fixed dim", tensor({ shape: [1, 3] }), "invalid_shape", "/inputs/0/shape/1"],
    ["size does not match the shape", tensor({ shape: [2, TEXT_DIMS] }), "invalid_size", "/inputs/0/data"],
    ["non-numeric data", tensor({ data: ["a", ...row.slice(1)] }), "invalid_type", "/inputs/0/data"],
    ["unknown input name", tensor({ name: "pixels" }), "unknown_input", "/inputs/0/name"],
    ["batch over the maximum", tensor({ shape: [9, TEXT_DIMS], data: new Array(9 * TEXT_DIMS).fill(0) }), "too_many_rows", "/inputs/0/shape/0"],
    ["empty batch", tensor({ shape: [0, TEXT_DIMS], data: [] }), "empty_batch", "/inputs/0/shape/0"],
    ["missing inputs", {}, "missing_field", "/inputs"],
    ["unknown output", { ...tensor({}), outputs: [{ name: "logits" }] }, "unknown_output", "/outputs/0/name"],
    ["a value beyond the FP32 range (1e39)", tensor({ data: [1e39, ...row.slice(1)] }), "out_of_range", "/inputs/0/data/0"],
  ];
  for (const [name, body, code, pointer] of cases) {
    test(`${name} → 400 ${code}`, async () => {
      expectError(await withGood(postJson(h.url, I, body)), 400, code, pointer);
    });
  }
  test("Infinity in tensor data (1e999) → 400", async () => {
    const text = JSON.stringify(tensor({})).replace("0.5", "1e999");
    expectError(await withGood(call(h.url, "POST", I, text)), 400, "invalid_value", "/inputs/0/data");
  });
});

describe("bounded answers", () => {
  test("thousands of unknown members or outputs get at most 20 short errors, not an answer larger than the request", async () => {
    const keys = Object.fromEntries(Array.from({ length: 1500 }, (_, i) => [`k${i}${"x".repeat(20)}`, 1]));
    const v1 = await postJson(h.url, "/spamlike/v1/predict", { data: {}, ...keys });
    expect(v1.status).toBe(400);
    expect(v1.json().errors).toHaveLength(20);
    expect(v1.text.length).toBeLessThan(10_000);
    const row = new Array(TEXT_DIMS).fill(0.5);
    const dupes = { inputs: [{ name: "features", shape: [1, TEXT_DIMS], datatype: "FP32", data: row }], outputs: Array.from({ length: 1500 }, () => ({ name: "probabilities" })) };
    const v2 = await postJson(h.url, "/v2/models/spamlike/infer", dupes);
    expect(v2.status).toBe(400);
    expect(v2.json().errors[0]).toMatchObject({ code: "duplicate_output", source: { pointer: "/outputs/1/name" } });
    expect(v2.json().errors.length).toBeLessThanOrEqual(20);
    const unknown = await postJson(h.url, "/v2/models/spamlike/infer", { ...Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`u${i}`, 1])), inputs: [] });
    expect(unknown.json().errors.length).toBeLessThanOrEqual(20);
  });
});

describe("malformed HTTP", () => {
  const raw = (text: string) =>
    new Promise<string>((resolve, reject) => {
      const { hostname, port } = new URL(h.url);
      const s = connect(Number(port), hostname, () => s.end(text));
      let data = "";
      s.on("data", (c) => (data += c));
      s.on("close", () => resolve(data));
      s.on("error", reject);
    });
  test("garbage instead of HTTP → 400 JSON", async () => {
    const r = await raw("NOT HTTP AT ALL\r\n\r\n");
    expect(r).toMatch(/^HTTP\/1\.1 400/);
    expect(r).toContain('"code":"bad_request"');
    expect((await postJson(h.url, P, good)).status).toBe(200);
  });
  test("oversized headers → 431 JSON", async () => {
    const r = await raw(`GET /spamlike/v1/live HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(40_000)}\r\n\r\n`);
    expect(r).toMatch(/^HTTP\/1\.1 431/);
    expect(r).toContain('"code":"headers_too_large"');
  });
});
