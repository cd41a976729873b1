/**
 * The project-specific part of the generated client: the `Client` class with one method
 * per route, typed with the project's request and response types.
 */
import type { ProjectIR } from "../../compiler/ir.js";

export function clientClass(ir: ProjectIR): string {
  const base = JSON.stringify(ir.serve.api.basePath);
  const ns = JSON.stringify(ir.serve.api.namespace);
  const v2 = JSON.stringify(`/v2/models/${ir.name}`);
  const attrs = JSON.stringify(ir.serve.api.attributes.map((f) => f.name));
  const fields = JSON.stringify(ir.serve.api.response.map((f) => f.name));
  return `
/** An Open Inference Protocol (V2) tensor: row-major \`data\`, \`shape\` with the batch size first. */
export type InferTensor = {
  name: string;
  shape: number[];
  datatype: "FP32" | "INT64";
  data: number[];
};

export type InferRequest = {
  id?: string;
  inputs: InferTensor[];
  outputs?: { name: string }[];
};

export type InferResponse = {
  model_name: string;
  model_version?: string;
  id?: string;
  outputs: InferTensor[];
};

/** The model card \`GET ${ir.serve.api.basePath}/bio\` answers. */
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
};

const BASE = ${base};
const NAMESPACE = ${ns};
const V2_MODEL = ${v2};
const ATTRIBUTE_NAMES: readonly string[] = ${attrs};
const RESPONSE_NAMES: readonly string[] = ${fields};

/** A typed client of the ${ir.name} inference API. */
export class Client {
  readonly #http: Transport;

  constructor(options: ClientOptions) {
    this.#http = new Transport(options);
  }

  /** Predicts one row. */
  async predict(attributes: Attributes, parameters?: Parameters, call?: CallOptions): Promise<ResponseAttributes> {
    const body = await this.#http.json<PredictResponse>("POST", BASE + "/predict", envelope(attributes, parameters), call);
    return body.data.attributes as ResponseAttributes;
  }

  /** Predicts several rows in one request (the batch form); answers come back in order. */
  async predictBatch(rows: readonly Attributes[], parameters?: Parameters, call?: CallOptions): Promise<ResponseAttributes[]> {
    const columns: Record<string, unknown[]> = {};
    for (const name of ATTRIBUTE_NAMES) columns[name] = rows.map((row) => (row as Record<string, unknown>)[name]);
    const body = await this.#http.json<PredictResponse>("POST", BASE + "/predict", envelope(columns as BatchAttributes, parameters), call);
    const out = body.data.attributes as Record<string, unknown[]>;
    return rows.map((_, i) => Object.fromEntries(RESPONSE_NAMES.map((name) => [name, out[name]?.[i]])) as ResponseAttributes);
  }

  /** True while the server process runs. */
  async live(call?: CallOptions): Promise<boolean> {
    return (await this.#http.json<{ live: boolean }>("GET", BASE + "/live", undefined, call)).live === true;
  }

  /** True once the model is loaded and warmed up; false while loading or draining (503). */
  async ready(call?: CallOptions): Promise<boolean> {
    const res = await this.#http.send("GET", BASE + "/ready", undefined, call);
    if (res.status === 503) {
      await res.body?.cancel();
      return false;
    }
    if (!res.ok) throw await errorOf(res);
    return ((await res.json()) as { ready: boolean }).ready === true;
  }

  /** The model card of the served version. */
  async bio(call?: CallOptions): Promise<Bio> {
    return this.#http.json<Bio>("GET", BASE + "/bio", undefined, call);
  }

  /** The OpenAPI 3.1 document the server serves. */
  async openapi(call?: CallOptions): Promise<Record<string, unknown>> {
    return this.#http.json<Record<string, unknown>>("GET", BASE + "/openapi.json", undefined, call);
  }

  /** Runs the model on raw tensors (Open Inference Protocol V2). */
  async infer(request: InferRequest | InferTensor[], call?: CallOptions): Promise<InferResponse> {
    const body: InferRequest = Array.isArray(request) ? { inputs: request } : request;
    return this.#http.json<InferResponse>("POST", V2_MODEL + "/infer", body, call);
  }
}

function envelope(attributes: Attributes | BatchAttributes, parameters: Parameters | undefined): PredictRequest {
  return { data: parameters === undefined ? { namespace: NAMESPACE, attributes } : { namespace: NAMESPACE, attributes, parameters } };
}
`;
}
