/**
 * The project-specific part of the generated client: the `Client` class with one method
 * per route, typed with the project's request and response types. Written as marked text:
 * `ty(…)` pieces are TypeScript-only (generators/support/typed-code.ts).
 */
import type { ProjectIR } from "../../compiler/ir.js";
import { ty, tyLine } from "../support/typed-code.js";

/** Protocol types every client exports, whatever the project. */
const PROTOCOL_TYPES = (basePath: string): string[] => [
  `/** An Open Inference Protocol (V2) tensor: row-major \`data\`, \`shape\` with the batch size first. */
export type InferTensor = {
  name: string;
  shape: number[];
  datatype: "FP32" | "INT64";
  data: number[];
};`,
  `export type InferRequest = {
  id?: string;
  inputs: InferTensor[];
  outputs?: { name: string }[];
};`,
  `export type InferResponse = {
  model_name: string;
  model_version?: string;
  id?: string;
  outputs: InferTensor[];
};`,
  `/** The model card \`GET ${basePath}/bio\` answers. */
export type Bio = {
  name: string;
  version: string;
  versions: { served: string; parent: string | null };
  lineage: string[];
  type: string | null;
  metrics: Record<string, unknown>;
  target: Record<string, unknown> | null;
  dataset: Record<string, unknown> | null;
  specHash: string | null;
  modelSpecHash: string | null;
  createdAt: string | null;
  meshVersion: string | null;
  labels: string[];
  inputs: { name: string; datatype: string; shape: number[] }[];
  outputs: { name: string; datatype: string; shape: number[] }[];
};`,
];

export function clientClass(ir: ProjectIR): string {
  const api = ir.serve.api;
  const lit = (v: unknown): string => JSON.stringify(v);
  /** `: T` in TypeScript only. */
  const t = (type: string): string => ty(`: ${type}`);
  const g = (type: string): string => ty(`<${type}>`);
  const as = (type: string): string => ty(` as ${type}`);
  const opt = ty("?");
  return [
    ...PROTOCOL_TYPES(api.basePath).map(tyLine),
    [
      `const BASE = ${lit(api.basePath)};`,
      `const NAMESPACE = ${lit(api.namespace)};`,
      `const V2_MODEL = ${lit(`/v2/models/${ir.name}`)};`,
      `const ATTRIBUTE_NAMES${t("readonly string[]")} = ${lit(api.attributes.map((f) => f.name))};`,
      `const RESPONSE_NAMES${t("readonly string[]")} = ${lit(api.response.map((f) => f.name))};`,
    ].join("\n"),
    `/** A typed client of the ${ir.name} inference API. */
export class Client {
  ${ty("readonly ")}#http${t("Transport")};

  constructor(options${t("ClientOptions")}) {
    this.#http = new Transport(options);
  }

  /** Predicts one row. */
  async predict(attributes${t("Attributes")}, parameters${opt}${t("Parameters")}, call${opt}${t("CallOptions")})${t("Promise<ResponseAttributes>")} {
    const body = await this.#http.json${g("PredictResponse")}("POST", BASE + "/predict", envelope(attributes, parameters), call);
    return body.data.attributes${as("ResponseAttributes")};
  }

  /** Predicts several rows in one request (the batch form); answers come back in order. */
  async predictBatch(rows${t("readonly Attributes[]")}, parameters${opt}${t("Parameters")}, call${opt}${t("CallOptions")})${t("Promise<ResponseAttributes[]>")} {
    const columns${t("Record<string, unknown[]>")} = {};
    for (const name of ATTRIBUTE_NAMES) columns[name] = rows.map((row) => (row${as("Record<string, unknown>")})[name]);
    const body = await this.#http.json${g("PredictResponse")}("POST", BASE + "/predict", envelope(columns${as("BatchAttributes")}, parameters), call);
    const out = body.data.attributes${as("Record<string, unknown[]>")};
    return rows.map((_, i) => Object.fromEntries(RESPONSE_NAMES.map((name) => [name, out[name]?.[i]]))${as("ResponseAttributes")});
  }

  /** True while the server process runs. */
  async live(call${opt}${t("CallOptions")})${t("Promise<boolean>")} {
    return (await this.#http.json${g("{ live: boolean }")}("GET", BASE + "/live", undefined, call)).live === true;
  }

  /** True once the model is loaded and warmed up; false while loading or draining (503). */
  async ready(call${opt}${t("CallOptions")})${t("Promise<boolean>")} {
    const res = await this.#http.send("GET", BASE + "/ready", undefined, call);
    if (res.status === 503) {
      await res.body?.cancel();
      return false;
    }
    if (!res.ok) throw await errorOf(res);
    return ((await res.json())${as("{ ready: boolean }")}).ready === true;
  }

  /** The model card of the served version. */
  async bio(call${opt}${t("CallOptions")})${t("Promise<Bio>")} {
    return this.#http.json${g("Bio")}("GET", BASE + "/bio", undefined, call);
  }

  /** The OpenAPI 3.1 document the server serves. */
  async openapi(call${opt}${t("CallOptions")})${t("Promise<Record<string, unknown>>")} {
    return this.#http.json${g("Record<string, unknown>")}("GET", BASE + "/openapi.json", undefined, call);
  }

  /** Runs the model on raw tensors (Open Inference Protocol V2). */
  async infer(request${t("InferRequest | InferTensor[]")}, call${opt}${t("CallOptions")})${t("Promise<InferResponse>")} {
    const body${t("InferRequest")} = Array.isArray(request) ? { inputs: request } : request;
    return this.#http.json${g("InferResponse")}("POST", V2_MODEL + "/infer", body, call);
  }
}`,
    `function envelope(attributes${t("Attributes | BatchAttributes")}, parameters${t("Parameters | undefined")})${t("PredictRequest")} {
  return { data: parameters === undefined ? { namespace: NAMESPACE, attributes } : { namespace: NAMESPACE, attributes, parameters } };
}`,
  ].join("\n\n");
}
