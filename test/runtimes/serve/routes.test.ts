/** Every route of a served project, over the hand-written text and tabular definitions. */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { ServerHandle } from "../../../runtimes/serve/server.js";
import { createFeaturizer } from "../../../runtimes/features/index.js";
import { denseForward, denseWeights } from "../../support/onnx-models.js";
import { TEXT_DIMS } from "../../support/serve/fixtures/text-definition.js";
import { call, postJson, startFixture } from "../../support/serve/helpers.js";

const weights = denseWeights({ sizes: [TEXT_DIMS, 2] });
const featurizer = createFeaturizer({ kind: "hashed-ngrams", input: "text", dims: TEXT_DIMS, ngrams: [1, 2], lowercase: true, maxChars: 20_000 });
function expected(text: string): number[] {
  const row = new Float32Array(TEXT_DIMS);
  featurizer.encode({ text }, row, 0);
  return denseForward(weights, row);
}

describe("text service", () => {
  let h: ServerHandle;
  beforeAll(async () => {
    h = await startFixture("text");
  });
  afterAll(async () => {
    await h.close();
  });

  test("binds the loopback address it was given and reports the real port", () => {
    expect(h.host).toBe("127.0.0.1");
    expect(h.port).toBeGreaterThan(0);
    expect(h.url).toBe(`http://127.0.0.1:${h.port}`);
  });

  test("live and ready", async () => {
    expect((await call(h.url, "GET", "/spamlike/v1/live")).json()).toEqual({ live: true });
    const ready = await call(h.url, "GET", "/spamlike/v1/ready");
    expect(ready.status).toBe(200);
    expect(ready.json()).toEqual({ ready: true });
  });

  test("predict, single form: the model's answer for the featurized text", async () => {
    const text = "WIN a FREE cruise now";
    const r = await postJson(h.url, "/spamlike/v1/predict", { data: { namespace: "spamlike", attributes: { text } } }, { "x-request-id": "abc-123" });
    expect(r.status).toBe(200);
    expect(r.headers["x-request-id"]).toBe("abc-123");
    const body = r.json();
    const p = expected(text);
    const best = p[1]! >= 0.5 ? 1 : 0;
    expect(body).toEqual({ version: 1, data: { namespace: "spamlike", attributes: { label: ["ham", "spam"][best], score: expect.any(Number) } } });
    expect(body.data.attributes.score).toBeCloseTo(p[best]!, 5);
  });

  test("predict, batch form: rows answered in order, parameters applied", async () => {
    const texts = ["hello there", "free money click", "meeting notes attached", "cheap pills", "x"];
    const r = await postJson(h.url, "/spamlike/v1/predict", { data: { namespace: "spamlike", attributes: { text: texts }, parameters: { threshold: 0 } } });
    expect(r.status).toBe(200);
    const attrs = r.json().data.attributes;
    expect(attrs.label).toEqual(texts.map(() => "spam")); // threshold 0: spam always wins
    attrs.score.forEach((s: number, i: number) => expect(s).toBeCloseTo(expected(texts[i]!)[1]!, 5));
  });

  test("a fresh request id is generated when the header is unsafe", async () => {
    const r = await call(h.url, "GET", "/spamlike/v1/live", undefined, { "x-request-id": "bad id\twith spaces" });
    expect(r.headers["x-request-id"]).toMatch(/^[0-9a-f]{8}-[0-9a-z]+$/);
  });

  test("bio shows the model card fields", async () => {
    const bio = (await call(h.url, "GET", "/spamlike/v1/bio")).json();
    expect(bio).toMatchObject({ name: "spamlike", version: "local", lineage: ["local"], specHash: "f".repeat(64), labels: ["ham", "spam"] });
    expect(bio.inputs).toEqual([{ name: "features", datatype: "FP32", shape: [-1, TEXT_DIMS] }]);
  });

  test("openapi.json is the definition's document; docs renders it escaped, without scripts", async () => {
    const doc = await call(h.url, "GET", "/spamlike/v1/openapi.json");
    expect(doc.json().openapi).toBe("3.1.0");
    const docs = await call(h.url, "GET", "/spamlike/v1/docs");
    expect(docs.status).toBe(200);
    expect(docs.headers["content-type"]).toMatch(/text\/html/);
    expect(docs.text).toContain("/spamlike/v1/predict");
    expect(docs.text).toContain("Predict &lt;b&gt;");
    expect(docs.text).not.toContain("<script");
    expect(docs.text).not.toMatch(/https?:\/\/(?!HOST)/);
  });

  test("metrics text holds every family", async () => {
    await postJson(h.url, "/spamlike/v1/predict", { data: { namespace: "spamlike", attributes: { text: "hi" } } });
    await postJson(h.url, "/spamlike/v1/predict", { data: { namespace: "nope", attributes: { text: "hi" } } });
    const m = await call(h.url, "GET", "/metrics");
    expect(m.status).toBe(200);
    for (const family of [
      "mesh_http_requests_total",
      "mesh_http_request_duration_seconds_bucket",
      "mesh_http_errors_total",
      "mesh_batch_rows_bucket",
      "mesh_queue_wait_seconds_bucket",
      "mesh_compute_seconds_bucket",
      "mesh_queue_rows",
      "mesh_model_info",
      "mesh_ready 1",
    ]) {
      expect(m.text).toContain(family);
    }
    expect(m.text).toMatch(/mesh_http_requests_total\{route="\/spamlike\/v1\/predict",status="200"\} [1-9]/);
    expect(m.text).toMatch(/mesh_http_errors_total\{code="wrong_namespace"\} [1-9]/);
    expect(m.text).toContain(`mesh_model_info{name="spamlike",version="local",alias="",spec_hash="${"f".repeat(64)}"} 1`);
  });

  test("unknown route → 404, wrong method → 405 with Allow, both in the error shape", async () => {
    const nf = await call(h.url, "GET", "/nope");
    expect(nf.status).toBe(404);
    expect(nf.json().errors[0]).toMatchObject({ status: "404", code: "not_found" });
    const na = await call(h.url, "GET", "/spamlike/v1/predict");
    expect(na.status).toBe(405);
    expect(na.headers["allow"]).toBe("POST");
    expect(na.json().errors[0].code).toBe("method_not_allowed");
  });

  test("V2: server and model metadata, health, readiness", async () => {
    expect((await call(h.url, "GET", "/v2")).json()).toMatchObject({ name: "mesh", extensions: [] });
    expect((await call(h.url, "GET", "/v2/health/live")).status).toBe(200);
    expect((await call(h.url, "GET", "/v2/health/ready")).status).toBe(200);
    expect((await call(h.url, "GET", "/v2/models/spamlike/ready")).json()).toEqual({ name: "spamlike", ready: true });
    const meta = (await call(h.url, "GET", "/v2/models/spamlike")).json();
    expect(meta).toMatchObject({ name: "spamlike", versions: ["local"], platform: "onnxruntime_onnx" });
    expect(meta.inputs).toEqual([{ name: "features", datatype: "FP32", shape: [-1, TEXT_DIMS] }]);
    expect((await call(h.url, "GET", "/v2/models/other")).status).toBe(404);
  });

  test("V2 infer: outputs as tensors, equal to the reference forward pass", async () => {
    const rows = [new Array(TEXT_DIMS).fill(0).map((_, i) => (i % 7) / 7), new Array(TEXT_DIMS).fill(0.25)];
    const r = await postJson(h.url, "/v2/models/spamlike/infer", { id: "q1", inputs: [{ name: "features", shape: [2, TEXT_DIMS], datatype: "FP32", data: rows }] });
    expect(r.status).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ id: "q1", model_name: "spamlike", model_version: "local" });
    expect(body.outputs[0]).toMatchObject({ name: "probabilities", datatype: "FP32", shape: [2, 2] });
    const want = rows.flatMap((row) => denseForward(weights, row));
    body.outputs[0].data.forEach((v: number, i: number) => expect(v).toBeCloseTo(want[i]!, 5));
  });
});

describe("tabular service", () => {
  let h: ServerHandle;
  const w = denseWeights({ sizes: [4, 8, 3] });
  beforeAll(async () => {
    h = await startFixture("tabular", { batchEnabled: false });
  });
  afterAll(async () => {
    await h.close();
  });

  test("predict packs the columns in order (batching disabled)", async () => {
    const attrs = { sepal_length: [5.1, 6.7], sepal_width: [3.5, 3.0], petal_length: [1.4, 5.2], petal_width: [0.2, 2.3] };
    const r = await postJson(h.url, "/flowers/v1/predict", { data: { namespace: "flowers", attributes: attrs } });
    expect(r.status).toBe(200);
    const labels = ["setosa", "versicolor", "virginica"];
    const got = r.json().data.attributes;
    [0, 1].forEach((i) => {
      const p = denseForward(w, [attrs.sepal_length[i]!, attrs.sepal_width[i]!, attrs.petal_length[i]!, attrs.petal_width[i]!]);
      const best = p.indexOf(Math.max(...p));
      expect(got.label[i]).toBe(labels[best]);
      expect(got.score[i]).toBeCloseTo(p[best]!, 5);
    });
  });
});
