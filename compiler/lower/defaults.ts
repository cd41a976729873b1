/**
 * Every default of the spec and the workspace, in one place. `lower` is the only reader.
 * Change a default here and it changes everywhere: generated files, runtimes, docs.
 */
export const DEFAULTS = {
  registry: "file://.mesh/registry",
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
  compile: { optimization: "all" as const, samples: 200, atol: 1e-4, rtol: 1e-3, neuronMaxLength: 128, dynamicBatch: true },
  neuronCompilerArgs: ["--fast-math", "none"],
  serve: {
    runtime: "onnxruntime" as const,
    host: "0.0.0.0",
    port: 8000,
    workers: 1,
    /** One intra-op thread beat two on 2-core machines (see perf-baselines). */
    threads: { intraOp: 1, interOp: 1 },
    /** Flush on the next event-loop turn, capped: a fixed timer hurts at low concurrency. */
    batching: { enabled: true, maxBatch: 32, maxDelayMs: 0, queue: 1024 },
    limits: { bodyBytes: 1024 * 1024, timeoutMs: 2000, maxRows: 256 },
    drainMs: 10_000,
    slo: { p99Ms: 50, minRps: 500 },
    load: { durationS: 10, connections: 16 },
    image: { maxMb: 250, model: "baked" as const },
    replicas: 1,
    resources: { cpu: "1", memory: "512Mi" },
    response: { label: "string", score: "number" } as const,
  },
} as const;
