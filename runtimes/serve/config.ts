/**
 * Server configuration: every environment variable the server reads is declared here with
 * its type, default and doc, parsed and validated once at start-up. An invalid value or an
 * unknown `MESH_*` variable stops the start with one clear message (the seed silently
 * ignored misspelt variables). Generators (compose, k8s) and docs list `ENV_VARS`.
 */
import type { ServeDefaults } from "./definition.js";
import { didYouMean } from "../support/did-you-mean.js";
import { ALIAS_PATTERN } from "../registry/aliases.js";

export type LogLevel = NonNullable<ServeDefaults["logLevel"]>;
export type GraphOptimization = NonNullable<ServeDefaults["graphOptimization"]>;

/** The fully resolved configuration of one server process. */
export interface ServeConfig {
  readonly host: string;
  readonly port: number;
  readonly modelPath: string;
  readonly modelCard: string;
  readonly logLevel: LogLevel;
  readonly accessLog: boolean;
  readonly workers: number;
  readonly batchEnabled: boolean;
  readonly batchMax: number;
  readonly batchDelayMs: number;
  readonly queueRows: number;
  readonly bodyBytes: number;
  readonly timeoutMs: number;
  readonly maxRows: number;
  readonly drainMs: number;
  readonly intraOpThreads: number;
  readonly interOpThreads: number;
  readonly graphOptimization: GraphOptimization;
  readonly registry: string;
  readonly modelRef: string;
  readonly modelAlias: string;
  readonly engine: "auto" | "onnxruntime" | "torch";
  readonly torchSidecar: string;
}

type Kind = "string" | "integer" | "boolean" | "enum";

/** One declared variable. `default` is the library default; the spec's value (via the generated code) overrides it. */
export interface EnvVarDecl {
  readonly name: string;
  readonly key: keyof ServeConfig;
  readonly type: Kind;
  readonly default: string | number | boolean;
  readonly doc: string;
  readonly min?: number;
  readonly max?: number;
  readonly values?: readonly string[];
}

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;
const OPT_LEVELS = ["disabled", "basic", "extended", "all"] as const;
const ENGINES = ["auto", "onnxruntime", "torch"] as const;
const MAX_INT = 2 ** 31 - 1;

/** Every variable the server reads, in documentation order. */
export const ENV_VARS: readonly EnvVarDecl[] = [
  { name: "MESH_HOST", key: "host", type: "string", default: "0.0.0.0", doc: "Address to bind (loopback for local runs)." },
  { name: "MESH_PORT", key: "port", type: "integer", default: 8000, min: 0, max: 65535, doc: "TCP port to bind; 0 picks a free port (the real one is logged)." },
  {
    name: "MESH_MODEL_PATH",
    key: "modelPath",
    type: "string",
    default: "",
    doc: "Path of the ONNX model file (or, for transformers, the model folder or its model.pt) to serve (required unless MESH_MODEL_REF is set).",
  },
  { name: "MESH_MODEL_CARD", key: "modelCard", type: "string", default: "", doc: "Path of the model card (card.json); default: card.json beside the model." },
  { name: "MESH_LOG_LEVEL", key: "logLevel", type: "enum", values: LOG_LEVELS, default: "info", doc: "pino log level; the access log is written at info." },
  {
    name: "MESH_ACCESS_LOG",
    key: "accessLog",
    type: "boolean",
    default: false,
    doc: "One info line per request: method, path (no query), status, latency in ms, rows, request id — never the body. Off in containers; mesh serve and mesh dev turn it on on a terminal.",
  },
  { name: "MESH_WORKERS", key: "workers", type: "integer", default: 1, min: 1, max: 64, doc: "Server processes (node:cluster), one model session each." },
  { name: "MESH_BATCH_ENABLED", key: "batchEnabled", type: "boolean", default: true, doc: "Dynamic batching of predict rows across requests." },
  { name: "MESH_BATCH_MAX", key: "batchMax", type: "integer", default: 32, min: 1, max: 65536, doc: "Most rows in one model call." },
  {
    name: "MESH_BATCH_DELAY_MS",
    key: "batchDelayMs",
    type: "integer",
    default: 0,
    min: 0,
    max: 1000,
    doc: "Upper bound on waiting for a batch that is still filling; 0 flushes on the next event-loop turn.",
  },
  { name: "MESH_QUEUE_ROWS", key: "queueRows", type: "integer", default: 1024, min: 1, max: MAX_INT, doc: "Rows allowed to wait for the model; beyond it requests get 503 with Retry-After." },
  { name: "MESH_BODY_BYTES", key: "bodyBytes", type: "integer", default: 1048576, min: 64, max: MAX_INT, doc: "Largest request body; larger bodies get 413 and are not read." },
  { name: "MESH_TIMEOUT_MS", key: "timeoutMs", type: "integer", default: 2000, min: 1, max: 3_600_000, doc: "Longest time a request may take (body read + queue); then 408 (slow body) or 504." },
  { name: "MESH_MAX_ROWS", key: "maxRows", type: "integer", default: 256, min: 1, max: 65536, doc: "Most rows in one request (batch form)." },
  { name: "MESH_DRAIN_MS", key: "drainMs", type: "integer", default: 10000, min: 0, max: 3_600_000, doc: "On SIGTERM/SIGINT: how long in-flight requests may finish before connections are closed." },
  { name: "MESH_INTRA_OP_THREADS", key: "intraOpThreads", type: "integer", default: 1, min: 0, max: 256, doc: "onnxruntime intra-op threads (0 = onnxruntime's choice)." },
  { name: "MESH_INTER_OP_THREADS", key: "interOpThreads", type: "integer", default: 1, min: 0, max: 256, doc: "onnxruntime inter-op threads (0 = onnxruntime's choice)." },
  { name: "MESH_GRAPH_OPTIMIZATION", key: "graphOptimization", type: "enum", values: OPT_LEVELS, default: "all", doc: "onnxruntime graph optimization level." },
  { name: "MESH_REGISTRY", key: "registry", type: "string", default: "", doc: "Registry URI (file://… or s3://…) used with MESH_MODEL_REF." },
  {
    name: "MESH_MODEL_REF",
    key: "modelRef",
    type: "string",
    default: "",
    doc: "Model version to download at start: an id (SPAM-COMPILED-3), an alias (production: the version it points at now), or `latest` (newest compiled, else trained).",
  },
  {
    name: "MESH_MODEL_ALIAS",
    key: "modelAlias",
    type: "string",
    default: "",
    doc: "The alias the served version was picked through, reported by /bio and mesh_model_info; set by mesh serve and by MESH_MODEL_REF=<alias>, not by hand.",
  },
  {
    name: "MESH_ENGINE",
    key: "engine",
    type: "enum",
    values: ENGINES,
    default: "auto",
    doc: "What runs a transformer: onnxruntime (model.onnx), torch (a traced model.pt in a Python sidecar, for Neuron-compiled versions), or auto: torch for a folder with model.pt and no model.onnx.",
  },
  { name: "MESH_TORCH_SIDECAR", key: "torchSidecar", type: "string", default: "", doc: "torch engine: path of sidecar.py to run with $PYTHON (default: the copy inside the mesh runtime)." },
];

const DECLARED = new Map(ENV_VARS.map((d) => [d.name, d]));

/** The declaration of one variable, if the server reads it. */
export const envVar = (name: string): EnvVarDecl | undefined => DECLARED.get(name);

/** The library default of a setting, by its `ServeConfig` field (compiler/lower/defaults.ts reads these). */
export function declaredDefault<K extends keyof ServeConfig>(key: K): ServeConfig[K] {
  const decl = ENV_VARS.find((d) => d.key === key);
  if (!decl) throw new Error(`no MESH_* variable carries ${key}`);
  return decl.default as ServeConfig[K];
}

export type ConfigResult = { readonly ok: true; readonly config: ServeConfig } | { readonly ok: false; readonly message: string };

function parseValue(decl: EnvVarDecl, raw: string): { value: string | number | boolean } | { error: string } {
  switch (decl.type) {
    case "string":
      return { value: raw };
    case "boolean": {
      const v = raw.trim().toLowerCase();
      if (["1", "true", "yes", "on"].includes(v)) return { value: true };
      if (["0", "false", "no", "off"].includes(v)) return { value: false };
      return { error: `expected true or false, got ${JSON.stringify(raw)}` };
    }
    case "enum":
      return decl.values!.includes(raw) ? { value: raw } : { error: `expected one of ${decl.values!.join(", ")}, got ${JSON.stringify(raw)}` };
    case "integer": {
      if (!/^\s*-?\d+\s*$/.test(raw)) return { error: `expected an integer, got ${JSON.stringify(raw)}` };
      const n = Number(raw);
      if (decl.min !== undefined && n < decl.min) return { error: `expected an integer ≥ ${decl.min}, got ${n}` };
      if (decl.max !== undefined && n > decl.max) return { error: `expected an integer ≤ ${decl.max}, got ${n}` };
      return { value: n };
    }
  }
}

/** Checks a value that comes from the spec (the generated defaults, an env map): the error the server would report, or undefined. */
export function checkEnvValue(decl: EnvVarDecl, value: unknown): string | undefined {
  const r = parseValue(decl, String(value));
  return "error" in r ? r.error : undefined;
}

/**
 * Resolves the configuration: library default < `defaults` (spec values from the generated
 * code) < environment. Returns one message naming the first offending variable.
 */
export function loadConfig(env: Readonly<Record<string, string | undefined>>, defaults: ServeDefaults = {}): ConfigResult {
  for (const name of Object.keys(env).sort()) {
    if (name.startsWith("MESH_") && !DECLARED.has(name)) {
      const hint = didYouMean(name, [...DECLARED.keys()]);
      return { ok: false, message: `unknown environment variable ${name}${hint ? ` (did you mean ${hint}?)` : ""}; the server reads only: ${[...DECLARED.keys()].join(", ")}` };
    }
  }
  const out: Record<string, unknown> = {};
  for (const decl of ENV_VARS) {
    const fromSpec = (defaults as Record<string, unknown>)[decl.key];
    if (fromSpec !== undefined) {
      const err = checkEnvValue(decl, fromSpec);
      if (err) return { ok: false, message: `invalid default for ${decl.name} from the generated code: ${err}` };
    }
    let value: unknown = fromSpec ?? decl.default;
    const raw = env[decl.name];
    if (raw !== undefined && raw !== "") {
      const r = parseValue(decl, raw);
      if ("error" in r) return { ok: false, message: `invalid ${decl.name}: ${r.error} (${decl.doc})` };
      value = r.value;
    }
    out[decl.key] = value;
  }
  const config = out as unknown as ServeConfig;
  if (!config.modelPath && !config.modelRef) return { ok: false, message: "no model to serve: set MESH_MODEL_PATH (an .onnx file) or MESH_MODEL_REF with MESH_REGISTRY" };
  // It becomes a metrics label and a /bio field: only what the registry accepts as an alias.
  if (config.modelAlias && !ALIAS_PATTERN.test(config.modelAlias))
    return { ok: false, message: `invalid MESH_MODEL_ALIAS ${JSON.stringify(config.modelAlias)}: expected an alias name such as production` };
  if (config.batchEnabled && config.maxRows > config.queueRows) {
    return { ok: false, message: `invalid MESH_MAX_ROWS: ${config.maxRows} exceeds MESH_QUEUE_ROWS (${config.queueRows}); one request could never fit the queue` };
  }
  return { ok: true, config };
}
