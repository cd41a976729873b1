/**
 * The seam between generated serving code (`out/<name>/serve/`, written by
 * `generators/serving`) and the server library (`runtimes/serve`). The generated code
 * supplies what is specific to one project — the request decoder (built from its OpenAPI
 * document by `request-contract.ts`), featurization
 * wiring, response shaping, the OpenAPI document — and the library supplies HTTP, batching,
 * the onnxruntime session, probes, metrics, logs and shutdown.
 */

/** One error in the CONTRACTS shape: `{status, code, detail, source: {pointer}}`. */
export interface ApiError {
  readonly status: string;
  readonly code: string;
  readonly detail: string;
  readonly source?: { readonly pointer: string };
}

/** A decoded predict request: `rows` model rows, in order, plus what `respond` needs. */
export interface Decoded<Req> {
  readonly value: Req;
  readonly rows: number;
  /** True when attributes held arrays (batch form): the response holds arrays too. */
  readonly batch: boolean;
}

export type DecodeResult<Req> = { readonly ok: true; readonly decoded: Decoded<Req> } | { readonly ok: false; readonly errors: readonly ApiError[] };

export interface TensorSpec {
  readonly name: string;
  readonly datatype: "FP32" | "INT64";
  /** -1 marks the batch dimension. */
  readonly shape: readonly number[];
}

import type { TransformerServing } from "../transformers/config.js";

interface DefinitionBase<Req> {
  /** Project name: the URL prefix `/<name>/v1` and the `namespace` requests must carry. */
  readonly name: string;
  readonly basePath: string;
  readonly labels: readonly string[];
  /** Model input and output tensors (the first input is what `encode` fills). */
  readonly inputs: readonly TensorSpec[];
  readonly outputs: readonly TensorSpec[];
  /**
   * Validates the `data` member of a predict request body (already JSON-parsed): namespace,
   * attributes, parameters. Never throws; errors carry JSON pointers from the body root,
   * e.g. `/data/attributes/text`.
   */
  decode(data: unknown, maxRows: number): DecodeResult<Req>;
  /** OpenAPI 3.1 document of exactly the served routes. */
  readonly openapi: Readonly<Record<string, unknown>>;
  /** Optional (added later, backward compatible): sha256 of the spec, shown by `/bio` and the model info metric. */
  readonly specHash?: string;
  /** Optional: the mesh version that generated this code, shown by `/bio`. */
  readonly meshVersion?: string;
}

/** A model over tensors: the generated code featurizes rows and shapes answers. */
export interface TensorServiceDefinition<Req = unknown, Res = unknown> extends DefinitionBase<Req> {
  readonly transformer?: undefined;
  /** Writes the features of row `row` of the request into `out` at `offset` (zeroed). */
  encode(value: Req, row: number, out: Float32Array, offset: number): void;
  /**
   * Builds the response `attributes` for a request from its model output rows:
   * `output` holds `rows × width` values of the first output, starting at row 0 of this request.
   */
  respond(decoded: Decoded<Req>, output: Float32Array, width: number): Res;
}

/**
 * A Hugging Face transformer: the library tokenizes, batches and shapes the task's answer
 * (`runtimes/transformers`); the generated code supplies the decoder and the task's settings.
 * The decoded value holds `rows` (attribute objects) and resolved `parameters`.
 */
export interface TransformerServiceDefinition<Req = unknown> extends DefinitionBase<Req> {
  readonly transformer: TransformerServing;
}

export type ServiceDefinition<Req = unknown, Res = unknown> = TensorServiceDefinition<Req, Res> | TransformerServiceDefinition<Req>;

/**
 * Spec values the generated `main` passes to `runMain(definition, defaults)`; each is
 * overridden by its `MESH_*` environment variable (see `runtimes/serve/config.ts`, which
 * declares every variable with its type and doc). All optional: the library has its own
 * defaults (the same as `compiler/lower/defaults.ts`).
 */
export interface ServeDefaults {
  readonly host?: string; // MESH_HOST
  readonly port?: number; // MESH_PORT
  readonly modelPath?: string; // MESH_MODEL_PATH
  readonly modelCard?: string; // MESH_MODEL_CARD (path of card.json)
  readonly logLevel?: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent"; // MESH_LOG_LEVEL
  readonly workers?: number; // MESH_WORKERS
  readonly batchEnabled?: boolean; // MESH_BATCH_ENABLED
  readonly batchMax?: number; // MESH_BATCH_MAX
  readonly batchDelayMs?: number; // MESH_BATCH_DELAY_MS
  readonly queueRows?: number; // MESH_QUEUE_ROWS
  readonly bodyBytes?: number; // MESH_BODY_BYTES
  readonly timeoutMs?: number; // MESH_TIMEOUT_MS
  readonly maxRows?: number; // MESH_MAX_ROWS
  readonly drainMs?: number; // MESH_DRAIN_MS
  readonly intraOpThreads?: number; // MESH_INTRA_OP_THREADS
  readonly interOpThreads?: number; // MESH_INTER_OP_THREADS
  readonly graphOptimization?: "disabled" | "basic" | "extended" | "all"; // MESH_GRAPH_OPTIMIZATION
  readonly registry?: string; // MESH_REGISTRY
  readonly modelRef?: string; // MESH_MODEL_REF, e.g. SPAM-COMPILED-3 or production (downloaded at start)
  readonly modelAlias?: string; // MESH_MODEL_ALIAS (set by mesh, reported by /bio and metrics)
}

/** Everything about the model version being served, for `/bio` and metrics labels. */
export interface ModelInfo {
  readonly path: string;
  readonly version: string;
  readonly card?: Readonly<Record<string, unknown>>;
  /** The alias the version was picked through (e.g. production), when it was. */
  readonly alias?: string;
}
