/**
 * The user-facing shape of `projects/<name>/project.yaml`.
 *
 * Fields are optional here wherever a sensible default exists: the defaults themselves live
 * in one place, `compiler/lower/defaults.ts`, and the fully defaulted model is the IR.
 * Every object is strict, so a misspelled key is an error (with a "did you mean").
 * Cross-field rules ("serve's API must fit the task") live in `project-rules.ts`.
 */
import { z } from "zod";
import { dnsLabel, fieldName, imageRef, label, modelSourceUri, registryKey, registryUri, sourceUri } from "./identifiers.js";
import { RESERVED_PROJECT_NAMES } from "./reserved.js";
import { trainParamsSpecSchema } from "../runtimes/train/params-spec.js";
import { ALIAS_NAME, RESERVED_ALIAS_NAMES, parseGate } from "./gate-expression.js";

const int = (min: number, max: number) => z.int().min(min).max(max);
const positive = z.number().positive().max(1e9);

/** One-line free text: a description, an owner note. Newlines are refused in one-liners. */
const oneLine = z
  .string()
  .max(500)
  .regex(/^[^\r\n]*$/, "must be a single line");

// ---------------------------------------------------------------- model

export const hashedNgramsFeatures = z.strictObject({
  kind: z.literal("hashed-ngrams"),
  input: fieldName.optional().describe("request attribute / dataset column holding the text (default: text)"),
  dims: int(16, 1 << 20)
    .optional()
    .describe("hash buckets = width of the model input (default 4096)"),
  ngrams: z
    .tuple([int(1, 5), int(1, 5)])
    .optional()
    .describe("[min, max] word n-gram sizes (default [1, 2])"),
  lowercase: z.boolean().optional(),
  max_chars: int(1, 10_000_000).optional().describe("text is truncated to this many characters before hashing"),
});

export const standardizeFeatures = z.strictObject({
  kind: z.literal("standardize"),
  columns: z.array(fieldName).min(1).max(4096).describe("numeric inputs, in model input order"),
});

export const featuresSchema = z.discriminatedUnion("kind", [hashedNgramsFeatures, standardizeFeatures]);

/** Tasks served by a Hugging Face transformer (a model folder with tokenizer.json). */
export const TRANSFORMER_TASKS = ["text-classification", "token-classification", "feature-extraction", "keyword-extraction"] as const;
export const taskSchema = z.enum(["text-classification", "tabular-classification", "token-classification", "feature-extraction", "keyword-extraction"]);

const modelSource = z.strictObject({
  uri: modelSourceUri.describe(
    "file:// (relative to the project folder), npm:PACKAGE/PATH, https://, s3://BUCKET/PREFIX or hf://ORG/NAME@REVISION: an .onnx file or a Hugging Face model folder (config.json, tokenizer.json, model.onnx)",
  ),
  sha256: z
    .string()
    .regex(/^[a-f0-9]{64}$/, "must be 64 lower-case hex digits")
    .optional()
    .describe("pins a single-file source; folders are pinned by model.lock.json (mesh lock)"),
});

/**
 * How a transformer task reads text and shapes its answer. Every key is optional; defaults
 * live in `compiler/lower/defaults.ts`, and rules refuse keys that do not belong to the task.
 */
const transformerOptions = {
  input: fieldName.optional().describe("request attribute holding the text (default: content)"),
  tokenizer: z
    .strictObject({
      max_length: int(2, 8192).optional().describe("tokens per sequence, special tokens included (default 128, at most the model's positions)"),
      truncation: z.enum(["truncate", "refuse"]).optional().describe("longer texts are cut to max_length, or refused with a 400 naming the field (default truncate)"),
    })
    .optional(),
  function_to_apply: z.enum(["softmax", "sigmoid", "none"]).optional().describe("text-classification: softmax (default; sigmoid for multi-label models) or sigmoid per label"),
  top_k: int(1, 1000).optional().describe("text-classification: how many labels the answer lists (default all)"),
  aggregation: z.enum(["none", "simple", "first", "average", "max"]).optional().describe("token-classification: how tokens merge into entities, as Hugging Face pipelines define it (default simple)"),
  split_sentences: z.boolean().optional().describe("token-classification: tag each sentence separately (default true)"),
  pooling: z.enum(["cls", "mean", "max"]).optional().describe("feature-extraction and keyword-extraction: how token vectors become one (default mean)"),
  normalize: z.boolean().optional().describe("feature-extraction: L2-normalise the vector (default true)"),
  keywords: z
    .strictObject({
      keyphrase_ngram_range: z.tuple([int(1, 5), int(1, 5)]).optional(),
      stop_words: z.union([z.enum(["english", "none"]), z.array(z.string().min(1).max(64)).max(10_000)]).optional(),
      top_n: int(1, 100).optional(),
      min_df: int(1, 1000).optional(),
      use_maxsum: z.boolean().optional(),
      use_mmr: z.boolean().optional(),
      diversity: z.number().min(0).max(1).optional(),
      nr_candidates: int(1, 100).optional(),
      max_candidates: int(1, 10_000).optional().describe("candidate phrases embedded per document at most (bounds the work of one request)"),
    })
    .optional()
    .describe("keyword-extraction: KeyBERT's defaults for requests that leave a parameter out"),
};

export const projectModelSchema = z.strictObject({
  task: taskSchema,
  labels: z.array(label).min(2).max(1000).optional().describe("class names in output order (a transformer's come from its config.json)"),
  target: fieldName.optional().describe("dataset column holding the label (default: label)"),
  features: featuresSchema.optional().describe("how mesh's own trainers featurize rows"),
  source: modelSource.optional().describe("a pretrained Hugging Face model folder (trainer: pretrained)"),
  ...transformerOptions,
});

export const appModelSchema = z.strictObject({
  task: z.enum(TRANSFORMER_TASKS).optional().describe("serve a Hugging Face model folder for this task; absent: serve the ONNX tensors as they are"),
  source: modelSource,
  labels: z.array(label).min(2).max(1000).optional().describe("names of the output classes, in output order"),
  ...transformerOptions,
});

// ---------------------------------------------------------------- steps

const formatSchema = z.enum(["auto", "jsonl", "csv", "json", "json-folder"]);

export const ingestSchema = z.strictObject({
  source: z.strictObject({
    uri: sourceUri,
    format: formatSchema.optional(),
    columns: z.array(fieldName).min(1).max(4096).optional().describe("names for rows given as arrays or header-less CSV"),
    // 2 ** 40, not 1 << 40: JavaScript shifts are 32-bit, and 1 << 40 is 256.
    max_bytes: int(1, 2 ** 40).optional(),
    timeout_ms: int(1, 3_600_000).optional(),
    retries: int(0, 10).optional(),
  }),
});

const scalarType = z.enum(["string", "number", "integer", "boolean"]);
export const columnSchema = z.union([
  scalarType,
  z.strictObject({
    type: scalarType.optional(),
    enum: z.array(label).min(1).max(1000).optional(),
    from: fieldName.optional().describe("source column to read (default: the same name)"),
    map: z.record(z.string().min(1).max(200), label).optional().describe("glob pattern on the source value → value, first match wins"),
    max_length: int(1, 100_000_000).optional(),
  }),
]);

export const registerSchema = z.strictObject({
  dataset: dnsLabel,
  schema: z.record(fieldName, columnSchema),
  split: z.strictObject({ test: z.number().gt(0).lt(1), seed: int(0, 2 ** 31 - 1).optional() }).optional(),
  dedupe: z.boolean().optional(),
  bad_rows: z.strictObject({ max_fraction: z.number().min(0).max(1) }).optional(),
});

/** An alias name, as the registry accepts it (runtimes/registry/aliases.ts). */
export const aliasName = z
  .string()
  .regex(ALIAS_NAME, "must be an alias name: lower-case letters, digits and '_', starting with a letter, at most 32 characters (e.g. production)")
  .refine((a) => !RESERVED_ALIAS_NAMES.includes(a), "is reserved: latest/newest already mean the newest servable version");

/** A gate: absolute (">= 0.95") or relative to an alias (">= production - 0.01"); grammar in gate-expression.ts. */
export const gateSchema = z
  .string()
  .max(200)
  .superRefine((g, ctx) => {
    const parsed = parseGate(g);
    if (!parsed.ok) ctx.addIssue({ code: "custom", message: `is not a gate: ${parsed.message}; write ">= 0.95" or ">= production - 0.01"` });
  })
  .describe('">= 0.95" (absolute: a miss registers nothing) or ">= production - 0.01" (relative to the version an alias points at: a miss registers but does not promote)');
export const metricName = z.enum(["accuracy", "macro_f1", "log_loss"]);
/** compile.validate's own limits are atol/rtol/min_label_agreement; its gates only compare with an alias. */
const relativeGate = (g: string): boolean => {
  const parsed = parseGate(g);
  return !parsed.ok || parsed.gate.kind === "relative";
};
const RELATIVE_ONLY = 'compile.validate gates compare with an alias (e.g. ">= production - 0.01"); absolute limits are atol, rtol and min_label_agreement';
/** A share metric compared with a constant outside [0, 1] can never (or always) pass; offsets are bounded too. */
const shareGate = (g: string): boolean => {
  const parsed = parseGate(g);
  if (!parsed.ok) return true; // reported by gateSchema
  return parsed.gate.kind === "absolute" ? parsed.gate.value >= 0 && parsed.gate.value <= 1 : Math.abs(parsed.gate.offset) <= 1;
};

export const trainSchema = z.strictObject({
  trainer: z.enum(["logistic-regression", "mlp", "pretrained"]).describe("pretrained: register model.source as it is, with golden predictions on samples"),
  samples: z.array(z.string().max(100_000)).min(1).max(1000).optional().describe("pretrained: documents whose predictions become the golden test files (default: the serve examples)"),
  params: trainParamsSpecSchema.optional(),
  gates: z
    .strictObject({
      // accuracy and macro-F1 are shares: a gate outside [0, 1] can never (or always) pass.
      accuracy: gateSchema.refine(shareGate, "accuracy is between 0 and 1; compare with a value in [0, 1] (or an alias ± at most 1)").optional(),
      macro_f1: gateSchema.refine(shareGate, "macro_f1 is between 0 and 1; compare with a value in [0, 1] (or an alias ± at most 1)").optional(),
      log_loss: gateSchema.optional(),
    })
    .optional(),
  promote: aliasName
    .optional()
    .describe("alias a run points at its new servable version (the compiled one, else the trained one) when every gate passed, absolute and relative; recorded in the alias history"),
  golden_samples: int(1, 10_000).optional().describe("held-out rows stored with the model as golden predictions"),
});

const validateSchema = z.strictObject({
  samples: int(1, 100_000).optional(),
  atol: z.number().min(0).max(1).optional(),
  rtol: z.number().min(0).max(1).optional(),
  min_label_agreement: z.number().min(0).max(1).optional().describe("share of golden rows whose predicted label must not change (default 1)"),
  gates: z
    .strictObject({
      max_abs_diff: gateSchema.refine(relativeGate, RELATIVE_ONLY).optional(),
      label_agreement: gateSchema.refine(relativeGate, RELATIVE_ONLY).optional(),
    })
    .optional()
    .describe('comparisons with the compiled version an alias points at, e.g. { label_agreement: ">= production - 0.01" }: a miss registers but does not promote'),
});

export const onnxTargetSchema = z.strictObject({
  kind: z.literal("onnx"),
  optimization: z.enum(["disabled", "basic", "extended", "all"]).optional(),
  quantize: z.enum(["none", "int8"]).optional().describe("int8: dynamic int8 quantization of constant-weight MatMuls (3-4x faster transformers on CPU)"),
  validate: validateSchema.optional().describe("this target's own tolerances (an int8 model needs looser ones than the step's)"),
});
export const neuronTargetSchema = z.strictObject({
  kind: z.literal("neuron"),
  instance: z.enum(["inf1", "inf2", "trn1"]),
  batch_size: int(1, 256),
  max_length: int(1, 8192).optional(),
  dynamic_batch: z.boolean().optional(),
  compiler_args: z
    .array(z.string().regex(/^[A-Za-z0-9=._,-]{1,64}$/, "may only hold letters, digits and = . _ , -"))
    .max(32)
    .optional(),
});
export const compileTargetSchema = z.discriminatedUnion("kind", [onnxTargetSchema, neuronTargetSchema]);

export const compileSchema = z.strictObject({
  targets: z.array(compileTargetSchema).min(1).max(8),
  validate: validateSchema.optional(),
});

const attributeSchema = z.union([
  scalarType,
  z.strictObject({
    type: scalarType,
    max_length: int(1, 100_000_000).optional(),
    min: z.number().optional(),
    max: z.number().optional(),
  }),
]);
const parameterSchema = z.strictObject({
  type: scalarType,
  default: z.union([z.string().max(1000), z.number(), z.boolean()]).optional(),
  min: z.number().optional(),
  max: z.number().optional(),
  enum: z.array(label).min(1).max(100).optional(),
});
const responseFieldSchema = z.enum(["string", "number", "integer", "boolean", "scores"]);

const jsonValue: z.ZodType<unknown> = z.lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]));

export const exampleSchema = z.strictObject({
  name: oneLine.optional(),
  attributes: z.record(fieldName, jsonValue),
  parameters: z.record(fieldName, jsonValue).optional(),
  expect: z.record(fieldName, jsonValue).optional(),
});

export const serveSchema = z.strictObject({
  runtime: z.enum(["onnxruntime"]).optional(),
  host: z.union([z.ipv4(), z.ipv6()]).optional().describe("address to bind (default 0.0.0.0 in images, 127.0.0.1 locally)"),
  port: int(1, 65_535).optional(),
  workers: int(1, 64).optional().describe("server processes, one model session each"),
  threads: z.strictObject({ intra_op: int(1, 64).optional(), inter_op: int(1, 64).optional() }).optional(),
  batching: z
    .strictObject({
      enabled: z.boolean().optional(),
      max_batch: int(1, 4096).optional(),
      max_delay_ms: int(0, 1000).optional().describe("whole milliseconds (MESH_BATCH_DELAY_MS is an integer)"),
      queue: int(1, 1_000_000).optional().describe("rows waiting at most; beyond → 503 with Retry-After"),
    })
    .optional(),
  limits: z
    .strictObject({
      body_bytes: int(64, 1 << 30).optional(),
      timeout_ms: int(1, 600_000).optional(),
      max_rows: int(1, 65_536).optional().describe("rows one request may carry (MESH_MAX_ROWS allows at most 65536)"),
    })
    .optional(),
  drain_ms: int(0, 600_000).optional().describe("grace period for in-flight requests on SIGTERM"),
  api: z
    .strictObject({
      attributes: z.record(fieldName, attributeSchema).optional(),
      parameters: z.record(fieldName, parameterSchema).optional(),
      response: z.record(fieldName, responseFieldSchema).optional(),
    })
    .optional(),
  examples: z.array(exampleSchema).max(100).optional(),
  slo: z
    .strictObject({
      p99_ms: positive.optional(),
      min_rps: positive.optional(),
      error_rate: z.number().gt(0).max(1).optional().describe("share of requests that may answer 5xx (canary analysis and alerts; default 0.01)"),
    })
    .optional(),
  release: z
    .strictObject({
      strategy: z.enum(["rolling", "canary"]).optional().describe("rolling: a plain Deployment (default); canary: an Argo Rollout gated by the server's own metrics against slo"),
      steps: z
        .array(
          z.strictObject({
            weight: int(1, 99).describe("share of the replicas (percent) running the new version at this step"),
            pause_s: int(0, 86_400).optional().describe("seconds to hold this step while the analysis watches (default 120)"),
          }),
        )
        .min(1)
        .max(20)
        .optional()
        .describe("canary steps in increasing weight; 100% follows the last (default 10% then 50%)"),
    })
    .optional(),
  autoscale: z
    .strictObject({
      signal: z.enum(["cpu", "queue"]).optional().describe("cpu: a HorizontalPodAutoscaler on CPU (default); queue: a KEDA ScaledObject on the server's queued rows, CPU folded in"),
      max_replicas: int(1, 1000).optional().describe("upper bound (default 4x replicas); the lower bound is replicas"),
      queue_rows: int(1, 1_000_000).optional().describe("queue: rows waiting per replica the autoscaler holds (default 16)"),
    })
    .optional(),
  prometheus: z
    .string()
    .max(500)
    .regex(/^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[A-Za-z0-9._~/-]*)?$/, "must be an http(s) URL of a Prometheus server without credentials, query or fragment")
    .optional()
    .describe("the Prometheus the canary analysis and KEDA query (default: the prometheus-operator's prometheus-operated service in monitoring)"),
  load: z.strictObject({ duration_s: int(1, 600).optional(), connections: int(1, 1024).optional() }).optional(),
  image: z.strictObject({ max_mb: int(1, 100_000).optional(), model: z.enum(["baked", "download"]).optional() }).optional(),
  replicas: int(0, 1000).optional(),
  resources: z
    .strictObject({
      cpu: z
        .string()
        .regex(/^\d+(\.\d+)?m?$/, 'must be a CPU quantity such as "500m" or "2"')
        .optional(),
      memory: z
        .string()
        .regex(/^\d+(Ki|Mi|Gi|Ti|k|M|G|T)?$/, 'must be a memory quantity such as "512Mi"')
        .optional(),
    })
    .optional(),
});

// ---------------------------------------------------------------- environments

export const environmentNames = ["dev", "ci", "stage", "prod"] as const;
export const environmentOverlaySchema = z.strictObject({
  registry: registryUri.optional(),
  image_tag: z
    .string()
    .regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/, "must be a valid image tag")
    .optional(),
  serve: serveSchema
    .pick({ port: true, workers: true, replicas: true, batching: true, limits: true, resources: true, threads: true })
    .partial()
    .extend({ alias: aliasName.optional().describe("serve the version this alias points at in this environment (MESH_MODEL_REF), instead of the newest") })
    .optional(),
});
export const environmentsSchema = z.partialRecord(z.enum(environmentNames), environmentOverlaySchema);

// ---------------------------------------------------------------- root

const header = {
  apiVersion: z.literal("mesh/v1"),
  name: dnsLabel.refine((n) => !(RESERVED_PROJECT_NAMES as readonly string[]).includes(n), {
    message: "is reserved: mesh writes the workspace CI workflow to out/ci/; choose another project name",
  }),
  key: registryKey,
  description: z.string().max(10_000).optional(),
  owners: z.array(label).max(50).optional(),
  environments: environmentsSchema.optional(),
  base_image: imageRef.optional().describe("overrides mesh.yaml images.base for this project"),
};

export const projectKindSchema = z.strictObject({
  ...header,
  kind: z.literal("Project"),
  schedule: z.string().max(200).optional().describe("cron expression (5 fields or @daily, …, UTC) on which the lifecycle runs in the cluster (an Argo CronWorkflow); default none"),
  model: projectModelSchema,
  steps: z.strictObject({
    ingest: ingestSchema.optional(),
    register: registerSchema.optional(),
    train: trainSchema.optional(),
    compile: compileSchema.optional(),
    serve: serveSchema.optional(),
  }),
});

export const appKindSchema = z.strictObject({
  ...header,
  kind: z.literal("App"),
  model: appModelSchema,
  steps: z.strictObject({ serve: serveSchema }),
});

export const projectSpecSchema = z.discriminatedUnion("kind", [projectKindSchema, appKindSchema]);

export type ProjectSpec = z.infer<typeof projectSpecSchema>;
export type ProjectKindSpec = z.infer<typeof projectKindSchema>;
export type AppKindSpec = z.infer<typeof appKindSchema>;
export type ServeSpec = z.infer<typeof serveSchema>;
export type EnvironmentName = (typeof environmentNames)[number];
