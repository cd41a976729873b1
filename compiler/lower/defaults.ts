import { declaredDefault } from "../../runtimes/serve/config.js";

/**
 * Every default of the spec and the workspace, in one place. `lower` is the only reader.
 * Change a default here and it changes everywhere: generated files, runtimes, docs. The serve
 * settings the server also reads as MESH_* variables take the server's declared default
 * (runtimes/serve/config.ts), so a server started without generated defaults agrees with the spec.
 */
export const DEFAULTS = {
  registry: "file://.mesh/registry",
  /** `mesh registry ui`: loopback unless told otherwise. */
  registryUi: { host: "127.0.0.1", port: 8780 },
  images: {
    prefix: "",
    /** Pinned by tag for readability; pin by digest in mesh.yaml for production. */
    base: "node:20-bookworm-slim",
    neuronCompile: "public.ecr.aws/neuron/pytorch-training-neuronx:2.1.2-neuronx-py310-sdk2.20.0-ubuntu20.04",
    neuronInference: "public.ecr.aws/neuron/pytorch-inference-neuronx:2.1.2-neuronx-py310-sdk2.20.0-ubuntu20.04",
  },
  toolchain: { node: "20", neuronSdk: "2.20.0", torch: "2.1.2", python: "3.10" },
  aws: { region: "us-east-1", s3Endpoint: "", s3ForcePathStyle: false },
  imageTag: "latest",
  /** MESH_MODEL_REF of an environment without serve.alias: the newest servable version. */
  modelRef: "latest",
  /** The lifecycle runs on demand (argo submit) unless the spec gives a schedule; cron times are UTC. */
  schedule: { timezone: "Etc/UTC" },
  /** The generated CI workflow: Neuron compile jobs need an Inferentia/Trainium runner. */
  ci: { neuronRunner: ["self-hosted", "inf2"], branches: ["main"] },
  model: { target: "label" },
  features: { input: "text", dims: 4096, ngrams: [1, 2] as const, lowercase: true, maxChars: 100_000 },
  ingest: { format: "auto" as const, maxBytes: 512 * 1024 * 1024, timeoutMs: 30_000, retries: 3 },
  register: { test: 0.2, seed: 42, dedupe: true, badRowsMaxFraction: 0.01 },
  train: {
    epochs: 10,
    learningRate: 0.1,
    l2: 0.0001,
    batchSize: 32,
    optimizer: "adam" as const,
    hidden: [64],
    patience: 3,
    seed: 42,
    goldenSamples: 20,
  },
  compile: {
    optimization: "all" as const,
    quantize: "none" as const,
    samples: 200,
    atol: 1e-4,
    rtol: 1e-3,
    minLabelAgreement: 1,
    neuronMaxLength: 128,
    dynamicBatch: true,
    /** An int8 model moves logits by ~1e-2 (measured, bench/transformers): its own default tolerances. */
    int8: { atol: 0.1, rtol: 0.1, minLabelAgreement: 0.99 },
  },
  /** Pretrained transformers: the seed's settings (max_length 128, softmax, simple NER, mean pooling, KeyBERT's defaults). */
  transformer: {
    input: "content",
    maxLength: 128,
    truncation: "truncate" as const,
    functionToApply: "softmax" as const,
    topK: 0,
    aggregation: "simple" as const,
    splitSentences: true,
    pooling: "mean" as const,
    normalize: true,
    keywords: {
      ngramRange: [1, 1] as const,
      stopWords: "english" as const,
      topN: 5,
      minDf: 1,
      useMaxsum: false,
      useMmr: false,
      diversity: 0.5,
      nrCandidates: 20,
      maxCandidates: 500,
    },
  },
  neuronCompilerArgs: ["--fast-math", "none"],
  serve: {
    runtime: "onnxruntime" as const,
    host: declaredDefault("host"),
    port: declaredDefault("port"),
    workers: declaredDefault("workers"),
    /** One intra-op thread beat two on 2-core machines (see perf-baselines). */
    threads: { intraOp: declaredDefault("intraOpThreads"), interOp: declaredDefault("interOpThreads") },
    /** Flush on the next event-loop turn, capped: a fixed timer hurts at low concurrency. */
    batching: { enabled: declaredDefault("batchEnabled"), maxBatch: declaredDefault("batchMax"), maxDelayMs: declaredDefault("batchDelayMs"), queue: declaredDefault("queueRows") },
    limits: { bodyBytes: declaredDefault("bodyBytes"), timeoutMs: declaredDefault("timeoutMs"), maxRows: declaredDefault("maxRows") },
    /** Values one row of a dynamic-length tensor input may hold (App models). */
    maxTensorRow: 65_536,
    drainMs: declaredDefault("drainMs"),
    slo: { p99Ms: 50, minRps: 500, errorRate: 0.01 },
    /** Plain Deployments unless the spec asks for a canary; these steps when it gives none. */
    release: { strategy: "rolling" as const, steps: [{ weight: 10 }, { weight: 50 }], pauseS: 120 },
    /** Rows waiting per replica: two full default batches, so a queue forms before requests wait long. */
    autoscale: { signal: "cpu" as const, queueRows: 16 },
    /** The prometheus-operator's governing Service for a Prometheus in the monitoring namespace. */
    prometheus: "http://prometheus-operated.monitoring.svc:9090",
    load: { durationS: 10, connections: 16 },
    image: { maxMb: 250, model: "baked" as const },
    replicas: 1,
    resources: { cpu: "1", memory: "512Mi" },
    response: { label: "string", score: "number" } as const,
  },
  /** `mesh dev`: how long a burst of saves must be quiet before one reload starts. */
  dev: { debounceMs: 75 },
} as const;
