/**
 * lower: validated spec + workspace → ProjectIR. Pure: no I/O, clock or environment reads.
 * This is the only place defaults are applied (they live in `defaults.ts`).
 */
import type { AppKindSpec, ProjectKindSpec, ProjectSpec, ServeSpec } from "../../schemas/project.js";
import type { WorkspaceSpec } from "../../schemas/workspace.js";
import { canonicalJson, sha256Hex } from "../../generators/support/canonical-json.js";
import {
  STEP_ORDER,
  type ColumnIR,
  type CompileIR,
  type EnvironmentIR,
  type EnvironmentName,
  type ExampleIR,
  type FeaturesIR,
  type FieldIR,
  type GateIR,
  type ImagesIR,
  type IngestIR,
  type ModelIR,
  type ParameterIR,
  type ProjectIR,
  type RegisterIR,
  type ResponseFieldIR,
  type ServeIR,
  type StepImageIR,
  type StepName,
  type TensorIR,
  type TrainIR,
} from "../ir.js";
import { DEFAULTS } from "./defaults.js";

export interface LowerInput {
  readonly spec: ProjectSpec;
  readonly workspace?: WorkspaceSpec;
  /** Workspace-relative, POSIX separators. */
  readonly specPath: string;
  readonly meshVersion: string;
  /** Relative path from the project's output folder back to the workspace root (default `../..`). */
  readonly rootFromOut?: string;
  /** App only: the model's signature, read from the ONNX file by the compiler before lowering. */
  readonly appSignature?: { readonly inputs: readonly TensorIR[]; readonly outputs: readonly TensorIR[] };
}

const ENV_ORDER: readonly EnvironmentName[] = ["dev", "ci", "stage", "prod"];

export function lower(input: LowerInput): ProjectIR {
  const { spec, workspace } = input;
  const model = spec.kind === "Project" ? lowerProjectModel(spec) : lowerAppModel(spec, input.appSignature);
  const serve = lowerServe(spec.name, spec.steps.serve ?? {}, model);
  const steps: StepName[] = STEP_ORDER.filter((s) => spec.steps[s as keyof typeof spec.steps] !== undefined || s === "serve");
  const images = lowerImages(spec, workspace);
  const registry = workspace?.environments?.dev?.registry ?? workspace?.registry ?? DEFAULTS.registry;
  return {
    kind: spec.kind,
    name: spec.name,
    key: spec.key,
    description: spec.description ?? "",
    owners: [...(spec.owners ?? [])],
    specPath: input.specPath,
    rootFromOut: input.rootFromOut ?? "../..",
    specHash: sha256Hex(canonicalJson(spec)),
    meshVersion: input.meshVersion,
    model,
    ...(spec.kind === "Project" ? lowerLifecycle(spec, model) : {}),
    serve,
    steps,
    stepImages: steps.map((step) => stepImage(spec.name, step, images)),
    images,
    registry: spec.environments?.dev?.registry ?? registry,
    environments: lowerEnvironments(spec, workspace, serve),
    aws: {
      region: workspace?.aws?.region ?? DEFAULTS.aws.region,
      s3Endpoint: workspace?.aws?.s3_endpoint ?? DEFAULTS.aws.s3Endpoint,
      s3ForcePathStyle: workspace?.aws?.s3_force_path_style ?? DEFAULTS.aws.s3ForcePathStyle,
    },
    ci: {
      neuronRunner: [...(workspace?.ci?.neuron_runner ?? DEFAULTS.ci.neuronRunner)],
      branches: [...(workspace?.ci?.branches ?? DEFAULTS.ci.branches)],
    },
  };
}

function lowerFeatures(spec: ProjectKindSpec): FeaturesIR {
  const f = spec.model.features;
  if (f.kind === "standardize") return { kind: "standardize", columns: [...f.columns] };
  const d = DEFAULTS.features;
  return {
    kind: "hashed-ngrams",
    input: f.input ?? d.input,
    dims: f.dims ?? d.dims,
    ngrams: f.ngrams ? [f.ngrams[0], f.ngrams[1]] : [d.ngrams[0], d.ngrams[1]],
    lowercase: f.lowercase ?? d.lowercase,
    maxChars: f.max_chars ?? d.maxChars,
  };
}

function lowerProjectModel(spec: ProjectKindSpec): ModelIR {
  const features = lowerFeatures(spec);
  const width = features.kind === "hashed-ngrams" ? features.dims : features.columns.length;
  return {
    task: spec.model.task,
    labels: [...spec.model.labels],
    target: spec.model.target ?? DEFAULTS.model.target,
    features,
    inputs: [{ name: "features", datatype: "FP32", shape: [-1, width] }],
    outputs: [{ name: "probabilities", datatype: "FP32", shape: [-1, spec.model.labels.length] }],
  };
}

function lowerAppModel(spec: AppKindSpec, signature: LowerInput["appSignature"]): ModelIR {
  return {
    task: "tensor",
    labels: [...(spec.model.labels ?? [])],
    target: DEFAULTS.model.target,
    inputs: signature?.inputs ?? [],
    outputs: signature?.outputs ?? [],
    source: spec.model.source.sha256 ? { uri: spec.model.source.uri, sha256: spec.model.source.sha256 } : { uri: spec.model.source.uri },
  };
}

function lowerLifecycle(spec: ProjectKindSpec, model: ModelIR): Pick<ProjectIR, "ingest" | "register" | "train" | "compile"> {
  const s = spec.steps;
  const out: { ingest?: IngestIR; register?: RegisterIR; train?: TrainIR; compile?: CompileIR } = {};
  if (s.ingest) {
    const src = s.ingest.source;
    const d = DEFAULTS.ingest;
    out.ingest = {
      uri: src.uri,
      format: src.format ?? d.format,
      columns: [...(src.columns ?? [])],
      maxBytes: src.max_bytes ?? d.maxBytes,
      timeoutMs: src.timeout_ms ?? d.timeoutMs,
      retries: src.retries ?? d.retries,
    };
  }
  if (s.register) {
    const d = DEFAULTS.register;
    const columns: ColumnIR[] = Object.entries(s.register.schema).map(([name, col]) => {
      const c = typeof col === "string" ? { type: col } : col;
      return {
        name,
        type: c.type ?? "string",
        from: ("from" in c ? c.from : undefined) ?? name,
        enum: [...(("enum" in c ? c.enum : undefined) ?? [])],
        map: Object.entries(("map" in c ? c.map : undefined) ?? {}).map(([k, v]) => [k, v] as const),
        maxLength: ("max_length" in c ? c.max_length : undefined) ?? 0,
      };
    });
    out.register = {
      dataset: s.register.dataset,
      columns,
      split: { test: s.register.split?.test ?? d.test, seed: s.register.split?.seed ?? d.seed },
      dedupe: s.register.dedupe ?? d.dedupe,
      badRowsMaxFraction: s.register.bad_rows?.max_fraction ?? d.badRowsMaxFraction,
    };
  }
  if (s.train) {
    const d = DEFAULTS.train;
    const p = s.train.params ?? {};
    const gates: GateIR[] = Object.entries(s.train.gates ?? {})
      .filter((e): e is [GateIR["metric"], string] => typeof e[1] === "string")
      .map(([metric, text]) => {
        const m = /^\s*(>=|<=|>|<)\s*(-?\d+(?:\.\d+)?)\s*$/.exec(text);
        return { metric, op: (m?.[1] ?? ">=") as GateIR["op"], value: Number(m?.[2] ?? 0) };
      })
      .sort((a, b) => a.metric.localeCompare(b.metric));
    out.train = {
      trainer: s.train.trainer,
      params: {
        epochs: p.epochs ?? d.epochs,
        learningRate: p.learning_rate ?? d.learningRate,
        l2: p.l2 ?? d.l2,
        batchSize: p.batch_size ?? d.batchSize,
        optimizer: p.optimizer ?? d.optimizer,
        hidden: s.train.trainer === "mlp" ? [...(p.hidden ?? d.hidden)] : [],
        patience: p.patience ?? d.patience,
        seed: p.seed ?? d.seed,
      },
      gates,
      goldenSamples: s.train.golden_samples ?? d.goldenSamples,
    };
  }
  if (s.compile) {
    const d = DEFAULTS.compile;
    out.compile = {
      targets: s.compile.targets.map((t) =>
        t.kind === "onnx"
          ? { kind: "onnx" as const, optimization: t.optimization ?? d.optimization }
          : {
              kind: "neuron" as const,
              instance: t.instance,
              batchSize: t.batch_size,
              // A mesh-trained model is traced at [batch, input width]; max_length defaults to that width.
              maxLength: t.max_length ?? model.inputs[0]?.shape[1] ?? d.neuronMaxLength,
              dynamicBatch: t.dynamic_batch ?? d.dynamicBatch,
              compilerArgs: [...(t.compiler_args ?? DEFAULTS.neuronCompilerArgs)],
            },
      ),
      validate: {
        samples: s.compile.validate?.samples ?? d.samples,
        atol: s.compile.validate?.atol ?? d.atol,
        rtol: s.compile.validate?.rtol ?? d.rtol,
      },
    };
  }
  return out;
}

function defaultAttributes(model: ModelIR): FieldIR[] {
  const f = model.features;
  if (f?.kind === "hashed-ngrams") return [{ name: f.input, type: "string", maxLength: f.maxChars }];
  if (f?.kind === "standardize") return f.columns.map((name) => ({ name, type: "number" as const }));
  return model.inputs.map((t) => ({ name: t.name, type: "number[]" as const, length: rowWidth(t) }));
}

function rowWidth(t: TensorIR): number {
  return t.shape.slice(1).reduce((a, b) => a * Math.max(b, 1), 1);
}

function defaultResponse(model: ModelIR): ResponseFieldIR[] {
  if (model.task !== "tensor" || model.labels.length > 0) {
    return Object.entries(DEFAULTS.serve.response).map(([name, type]) => ({ name, type }));
  }
  return model.outputs.map((t) => ({ name: t.name, type: "number[]" as const }));
}

function lowerServe(name: string, s: ServeSpec, model: ModelIR): ServeIR {
  const d = DEFAULTS.serve;
  const attributes: FieldIR[] = s.api?.attributes
    ? Object.entries(s.api.attributes).map(([field, a]) => {
        const x = typeof a === "string" ? { type: a } : a;
        return {
          name: field,
          type: x.type,
          ...("max_length" in x && x.max_length !== undefined ? { maxLength: x.max_length } : {}),
          ...("min" in x && x.min !== undefined ? { min: x.min } : {}),
          ...("max" in x && x.max !== undefined ? { max: x.max } : {}),
        };
      })
    : defaultAttributes(model);
  const parameters: ParameterIR[] = Object.entries(s.api?.parameters ?? {}).map(([field, p]) => ({
    name: field,
    type: p.type,
    ...(p.default !== undefined ? { default: p.default } : {}),
    ...(p.min !== undefined ? { min: p.min } : {}),
    ...(p.max !== undefined ? { max: p.max } : {}),
    ...(p.enum !== undefined ? { enum: [...p.enum] } : {}),
  }));
  const response: ResponseFieldIR[] = s.api?.response
    ? Object.entries(s.api.response).map(([field, type]) => ({ name: field, type }))
    : defaultResponse(model);
  const examples: ExampleIR[] = (s.examples ?? []).map((e, i) => ({
    name: e.name ?? `example-${i + 1}`,
    attributes: e.attributes,
    parameters: e.parameters ?? {},
    expect: e.expect ?? {},
  }));
  return {
    runtime: s.runtime ?? d.runtime,
    host: s.host ?? d.host,
    port: s.port ?? d.port,
    workers: s.workers ?? d.workers,
    threads: { intraOp: s.threads?.intra_op ?? d.threads.intraOp, interOp: s.threads?.inter_op ?? d.threads.interOp },
    batching: lowerBatching(s.batching),
    limits: lowerLimits(s.limits),
    drainMs: s.drain_ms ?? d.drainMs,
    api: { basePath: `/${name}/v1`, namespace: name, attributes, parameters, response },
    examples,
    slo: { p99Ms: s.slo?.p99_ms ?? d.slo.p99Ms, minRps: s.slo?.min_rps ?? d.slo.minRps },
    load: { durationS: s.load?.duration_s ?? d.load.durationS, connections: s.load?.connections ?? d.load.connections },
    image: { maxMb: s.image?.max_mb ?? d.image.maxMb, model: s.image?.model ?? d.image.model },
    replicas: s.replicas ?? d.replicas,
    resources: { cpu: s.resources?.cpu ?? d.resources.cpu, memory: s.resources?.memory ?? d.resources.memory },
  };
}

function lowerBatching(b: ServeSpec["batching"], base: ServeIR["batching"] = DEFAULTS.serve.batching): ServeIR["batching"] {
  return {
    enabled: b?.enabled ?? base.enabled,
    maxBatch: b?.max_batch ?? base.maxBatch,
    maxDelayMs: b?.max_delay_ms ?? base.maxDelayMs,
    queue: b?.queue ?? base.queue,
  };
}

function lowerLimits(l: ServeSpec["limits"], base: ServeIR["limits"] = DEFAULTS.serve.limits): ServeIR["limits"] {
  return {
    bodyBytes: l?.body_bytes ?? base.bodyBytes,
    timeoutMs: l?.timeout_ms ?? base.timeoutMs,
    maxRows: l?.max_rows ?? base.maxRows,
  };
}

function lowerEnvironments(spec: ProjectSpec, workspace: WorkspaceSpec | undefined, serve: ServeIR): EnvironmentIR[] {
  // dev and ci always exist (compose profiles); stage and prod when either file names them.
  const named = new Set<EnvironmentName>(["dev", "ci"]);
  for (const e of Object.keys(spec.environments ?? {})) named.add(e as EnvironmentName);
  for (const e of Object.keys(workspace?.environments ?? {})) named.add(e as EnvironmentName);
  return ENV_ORDER.filter((e) => named.has(e)).map((env) => {
    const o = spec.environments?.[env];
    const s = o?.serve;
    return {
      name: env,
      registry: o?.registry ?? workspace?.environments?.[env]?.registry ?? workspace?.registry ?? DEFAULTS.registry,
      imageTag: o?.image_tag ?? DEFAULTS.imageTag,
      serve: {
        port: s?.port ?? serve.port,
        workers: s?.workers ?? serve.workers,
        replicas: s?.replicas ?? serve.replicas,
        batching: lowerBatching(s?.batching, serve.batching),
        limits: lowerLimits(s?.limits, serve.limits),
        resources: { cpu: s?.resources?.cpu ?? serve.resources.cpu, memory: s?.resources?.memory ?? serve.resources.memory },
        threads: { intraOp: s?.threads?.intra_op ?? serve.threads.intraOp, interOp: s?.threads?.inter_op ?? serve.threads.interOp },
      },
    };
  });
}

function lowerImages(spec: ProjectSpec, workspace: WorkspaceSpec | undefined): ImagesIR {
  const w = workspace?.images;
  const t = workspace?.toolchain;
  const d = DEFAULTS.images;
  return {
    prefix: w?.prefix ?? d.prefix,
    base: spec.base_image ?? w?.base ?? d.base,
    neuronCompile: w?.neuron_compile ?? d.neuronCompile,
    neuronInference: w?.neuron_inference ?? d.neuronInference,
    nodeVersion: t?.node ?? DEFAULTS.toolchain.node,
    neuronSdk: t?.neuron_sdk ?? DEFAULTS.toolchain.neuronSdk,
    torch: t?.torch ?? DEFAULTS.toolchain.torch,
    python: t?.python ?? DEFAULTS.toolchain.python,
  };
}

/** Neuron images are described by the compile targets; every step image here is a Node image. */
function stepImage(name: string, step: StepName, images: ImagesIR): StepImageIR {
  return { step, repository: `${name}-${step}`, base: images.base, runtime: step === "serve" ? "mesh-serve" : "mesh-train" };
}
