/**
 * The OpenAPI 3.1 document of exactly the routes a generated server answers: the seed's
 * `/<name>/v1/…` routes, the Open Inference Protocol (V2) routes and `/metrics`. The
 * serving generator embeds this same document, so `<base>/openapi.json` and
 * `out/<name>/openapi.json` are one document.
 */
import type { ProjectIR } from "../../compiler/ir.js";
import { componentSchemas } from "./openapi-schemas.js";

type Obj = Record<string, unknown>;

const ref = (name: string): Obj => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Obj, extra: Obj = {}): Obj => ({ content: { "application/json": { schema, ...extra } } });
const ok = (description: string, schema: Obj): Obj => ({ description, ...json(schema) });
const errorRef = (name: string): Obj => ({ $ref: `#/components/responses/${name}` });

function get(operationId: string, summary: string, tag: string, responses: Obj): Obj {
  return { get: { operationId, summary, tags: [tag], responses } };
}

function requestExamples(ir: ProjectIR): Obj {
  const out: Obj = {};
  for (const e of ir.serve.examples) {
    const data: Obj = { namespace: ir.serve.api.namespace, attributes: e.attributes };
    if (Object.keys(e.parameters).length > 0) data["parameters"] = e.parameters;
    out[e.name] = { summary: e.name, value: { data } };
  }
  return out;
}

const documents = new WeakMap<ProjectIR, Obj>();

/**
 * The OpenAPI document of a project — and so the JSON Schema of its request contract —
 * computed once per IR: openapi.json, the served copy and the Neuron server's copy are the
 * same object, so callers only read it (it shares values with the IR, so it is not frozen).
 */
export function openapiDocument(ir: ProjectIR): Obj {
  let doc = documents.get(ir);
  if (!doc) {
    doc = buildDocument(ir);
    documents.set(ir, doc);
  }
  return doc;
}

function buildDocument(ir: ProjectIR): Obj {
  const base = ir.serve.api.basePath;
  const v2 = `/v2/models/${ir.name}`;
  const examples = requestExamples(ir);
  const retry = { "Retry-After": { description: "seconds to wait before asking again", schema: { type: "integer", minimum: 0 } } };
  const notReady = (schema: string): Obj => ({ description: "not ready: the model is loading or the server is draining", headers: retry, ...json(ref(schema)) });
  const predictErrors = {
    "400": errorRef("BadRequest"),
    "408": errorRef("RequestTimeout"),
    "413": errorRef("TooLarge"),
    "415": errorRef("UnsupportedMediaType"),
    "503": errorRef("Unavailable"),
    "504": errorRef("Timeout"),
  };
  const paths: Obj = {
    [`${base}/live`]: get("live", "Liveness: 200 while the process runs", "v1", { "200": ok("alive", ref("Live")) }),
    [`${base}/ready`]: get("ready", "Readiness: 200 once the model is loaded and warmed up", "v1", {
      "200": ok("ready", ref("Ready")),
      "503": notReady("Ready"),
    }),
    [`${base}/predict`]: {
      post: {
        operationId: "predict",
        summary: "Predict one row (attributes hold values) or a batch (attributes hold arrays, answered in order)",
        tags: ["v1"],
        requestBody: { required: true, ...json(ref("PredictRequest"), Object.keys(examples).length > 0 ? { examples } : {}) },
        responses: { "200": ok("prediction", ref("PredictResponse")), ...predictErrors },
      },
    },
    [`${base}/bio`]: get("bio", "Model card of the served version", "v1", { "200": ok("model card", ref("Bio")) }),
    [`${base}/openapi.json`]: get("openapi", "This document", "v1", { "200": ok("OpenAPI 3.1 document", { type: "object" }) }),
    [`${base}/docs`]: get("docs", "A documentation page for this API", "v1", {
      "200": { description: "HTML page", content: { "text/html": { schema: { type: "string" } } } },
    }),
    "/v2": get("v2Server", "Open Inference Protocol: server metadata", "v2", { "200": ok("server metadata", ref("ServerMetadata")) }),
    "/v2/health/live": get("v2Live", "Open Inference Protocol: server liveness", "v2", { "200": ok("alive", ref("Live")) }),
    "/v2/health/ready": get("v2Ready", "Open Inference Protocol: server readiness", "v2", { "200": ok("ready", ref("Ready")), "503": notReady("Ready") }),
    [v2]: get("v2Model", "Open Inference Protocol: model metadata", "v2", { "200": ok("model metadata", ref("ModelMetadata")) }),
    [`${v2}/ready`]: get("v2ModelReady", "Open Inference Protocol: model readiness", "v2", { "200": ok("ready", ref("ModelReady")), "503": notReady("ModelReady") }),
    [`${v2}/infer`]: {
      post: {
        operationId: "v2Infer",
        summary: "Open Inference Protocol: run the model on raw tensors",
        tags: ["v2"],
        requestBody: { required: true, ...json(ref("InferRequest")) },
        responses: { "200": ok("output tensors", ref("InferResponse")), ...predictErrors },
      },
    },
    "/metrics": get("metrics", "Prometheus metrics", "ops", {
      "200": { description: "Prometheus text format", content: { "text/plain": { schema: { type: "string" } } } },
    }),
  };
  const errorResponse = (description: string, headers?: Obj): Obj => ({ description, ...(headers ? { headers } : {}), ...json(ref("Error")) });
  return {
    openapi: "3.1.0",
    info: {
      title: `${ir.name} inference API`,
      version: "v1",
      description: ir.description || `Inference API of ${ir.name}, generated by mesh from ${ir.specPath}.`,
    },
    tags: [
      { name: "v1", description: "ML Mesh routes: JSON:API-style data envelope" },
      { name: "v2", description: "Open Inference Protocol (KServe / Triton clients)" },
      { name: "ops", description: "Operations" },
    ],
    paths,
    components: {
      schemas: componentSchemas(ir),
      responses: {
        BadRequest: errorResponse("malformed JSON, wrong namespace, missing, extra or wrongly typed fields"),
        RequestTimeout: errorResponse(`the request body did not arrive within ${ir.serve.limits.timeoutMs} ms`),
        Timeout: errorResponse(`no answer within ${ir.serve.limits.timeoutMs} ms (queue + model)`),
        TooLarge: errorResponse(`body over the limit (${ir.serve.limits.bodyBytes} bytes)`),
        UnsupportedMediaType: errorResponse("the body is not application/json"),
        Unavailable: errorResponse("queue full, overloaded, not ready or draining; retry after the given seconds", retry),
      },
    },
  };
}
