/**
 * lower: validated spec + workspace → ProjectIR. Pure: no I/O, clock or environment reads.
 * This is the only place defaults are applied (they live in `defaults.ts`).
 */
import type { AppKindSpec, ProjectKindSpec, ProjectSpec, ServeSpec } from "../../schemas/project.js";
import { taskApi } from "../../runtimes/transformers/task-api.js";
import { transformerTaskOf } from "../../schemas/rules/transformer.js";
import type { TransformerFacts } from "../../runtimes/transformers/inspect.js";
import { checkTaskSignature } from "../../runtimes/transformers/task-signature.js";
import type { WorkspaceSpec } from "../../schemas/workspace.js";
import { parseGate } from "../../schemas/gate-expression.js";
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
  type LifecycleStep,
  type AppModelIR,
  type ExternalModelIR,
  type LifecycleProjectIR,
  type ModelIR,
  type ProjectModelIR,
  type TrainedModelIR,
  type TransformerModelIR,
  type ParameterIR,
  type ProjectIR,
  type RegisterIR,
  type ResponseFieldIR,
  type ServeIR,
  type StepImageIR,
  type StepName,
  type TensorIR,
  type TrainIR,
  type TransformerIR,
  type ValidateIR,
} from "../ir.js";
import { DEFAULTS } from "./defaults.js";
import { respondPlan } from "./respond-plan.js";
import { lowerRunConfig } from "./run-config.js";
import { serveEnv, type ServeEnvSettings } from "./serve-env.js";

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
  /** Transformer models: the locked model folder (model.lock.json), read by the compiler before lowering. */
  readonly transformer?: LockedTransformer;
}

/** What model.lock.json says about a transformer source. */
export interface LockedTransformer {
  readonly lockFile: string;
  readonly revision?: string;
  readonly files: TransformerIR["source"]["files"];
  readonly facts: TransformerFacts;
}

const ENV_ORDER: readonly EnvironmentName[] = ["dev", "ci", "stage", "prod"];

/** The fields only a Project has (an App declares them absent). */
type LifecycleOnly = "ingest" | "register" | "train" | "compile" | "schedule" | "run";

export function lower(input: LowerInput): ProjectIR {
  const { spec, workspace } = input;
  const task = transformerTaskOf(spec);
  if (spec.kind === "App") {
    const model: AppModelIR = task ? { ...lowerTransformerModel(spec, task, input.transformer), source: { uri: spec.model.source.uri } } : lowerAppModel(spec, input.appSignature);
    return { kind: "App", ...lowerCommon(input, model, undefined), model };
  }
  const model: ProjectModelIR = task ? lowerTransformerModel(spec, task, input.transformer) : lowerProjectModel(spec);
  const lifecycle = lowerLifecycle(spec, model);
  const project: Omit<LifecycleProjectIR, "run"> = {
    kind: "Project",
    ...lowerCommon(input, model, lifecycle.compile),
    model,
    ...lifecycle,
    ...(spec.schedule !== undefined ? { schedule: { cron: spec.schedule.trim(), timezone: DEFAULTS.schedule.timezone } } : {}),
  };
  return { ...project, run: lowerRunConfig(project, workspace?.ingest?.allow_paths ?? []) };
}

/** What every project has, whatever its kind. */
function lowerCommon(input: LowerInput, model: ModelIR, compile: CompileIR | undefined): Omit<ProjectIR, "kind" | "model" | LifecycleOnly> {
  const { spec, workspace } = input;
  const onnx = compile?.targets.find((t) => t.kind === "onnx");
  const graphOptimization = onnx?.kind === "onnx" ? onnx.optimization : undefined;
  const served = lowerServe(spec.name, spec.steps.serve ?? {}, model);
  const serve: ServeIR = { ...served, env: serveEnv({ ...served, ...(graphOptimization ? { graphOptimization } : {}) }) };
  const steps: StepName[] = STEP_ORDER.filter((s) => spec.steps[s as keyof typeof spec.steps] !== undefined || s === "serve");
  const images = lowerImages(spec, workspace);
  const registry = workspace?.environments?.dev?.registry ?? workspace?.registry ?? DEFAULTS.registry;
  return {
    name: spec.name,
    key: spec.key,
    description: spec.description ?? "",
    owners: [...(spec.owners ?? [])],
    specPath: input.specPath,
    rootFromOut: input.rootFromOut ?? "../..",
    specHash: sha256Hex(canonicalJson(spec)),
    meshVersion: input.meshVersion,
    serve,
    steps,
    lifecycleSteps: steps.filter((s): s is LifecycleStep => s !== "serve"),
    stepImages: steps.map((step) => stepImage(spec.name, step, images)),
    images,
    registry: spec.environments?.dev?.registry ?? registry,
    environments: lowerEnvironments(spec, workspace, serve, graphOptimization),
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
  if (!f) throw new Error(`lower: ${spec.name} has neither features nor a transformer source (validation refuses this)`);
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

function lowerProjectModel(spec: ProjectKindSpec): TrainedModelIR {
  const features = lowerFeatures(spec);
  const width = features.kind === "hashed-ngrams" ? features.dims : features.columns.length;
  const labels = spec.model.labels ?? [];
  return {
    kind: "trained",
    task: spec.model.task,
    labels: [...labels],
    target: spec.model.target ?? DEFAULTS.model.target,
    features,
    inputs: [{ name: "features", datatype: "FP32", shape: [-1, width] }],
    outputs: [{ name: "probabilities", datatype: "FP32", shape: [-1, labels.length] }],
  };
}

/** A pretrained transformer: tensors and labels from the lock's facts, serving options defaulted. */
function lowerTransformerModel(spec: ProjectSpec, task: TransformerIR["task"], locked: LockedTransformer | undefined): TransformerModelIR & { readonly source?: undefined } {
  // The compiler refuses an unlocked or mismatched folder before lowering; this guards the invariant.
  if (!locked) throw new Error(`lower: ${spec.name} serves a transformer but no model.lock.json facts were given`);
  const facts = locked.facts;
  const checked = checkTaskSignature(task, facts);
  if (!checked.ok) throw new Error(`lower: ${spec.name}: ${checked.problems.join("; ")}`);
  const m = spec.model;
  const d = DEFAULTS.transformer;
  const k = m.keywords ?? {};
  const transformer: TransformerIR = {
    task,
    input: m.input ?? d.input,
    modelFile: facts.modelFile,
    maxLength: Math.min(m.tokenizer?.max_length ?? d.maxLength, facts.maxPositions),
    truncation: m.tokenizer?.truncation ?? d.truncation,
    output: checked.signature.output,
    hasTokenTypeIds: checked.signature.hasTokenTypeIds,
    ...(facts.tokenizer.continuingSubwordPrefix ? { continuingSubwordPrefix: facts.tokenizer.continuingSubwordPrefix } : {}),
    functionToApply: m.function_to_apply ?? (facts.problemType === "multi_label_classification" ? "sigmoid" : d.functionToApply),
    topK: m.top_k ?? d.topK,
    aggregation: m.aggregation ?? d.aggregation,
    splitSentences: m.split_sentences ?? d.splitSentences,
    pooling: m.pooling ?? d.pooling,
    normalize: m.normalize ?? d.normalize,
    keywords: {
      ngramRange: k.keyphrase_ngram_range ? [k.keyphrase_ngram_range[0], k.keyphrase_ngram_range[1]] : [d.keywords.ngramRange[0], d.keywords.ngramRange[1]],
      stopWords: Array.isArray(k.stop_words) ? [...k.stop_words] : ((k.stop_words as "english" | "none" | undefined) ?? d.keywords.stopWords),
      topN: k.top_n ?? d.keywords.topN,
      minDf: k.min_df ?? d.keywords.minDf,
      useMaxsum: k.use_maxsum ?? d.keywords.useMaxsum,
      useMmr: k.use_mmr ?? d.keywords.useMmr,
      diversity: k.diversity ?? d.keywords.diversity,
      nrCandidates: k.nr_candidates ?? d.keywords.nrCandidates,
      maxCandidates: k.max_candidates ?? d.keywords.maxCandidates,
    },
    source: {
      uri: m.source!.uri,
      ...(locked.revision ? { revision: locked.revision } : {}),
      lockFile: locked.lockFile,
      files: locked.files.map((f) => ({ path: f.path, sha256: f.sha256, size: f.size })),
    },
  };
  return {
    kind: "transformer",
    task,
    labels: [...facts.labels],
    target: DEFAULTS.model.target,
    inputs: facts.inputs.map((t) => ({ name: t.name, datatype: t.datatype, shape: [...t.shape] })),
    outputs: facts.outputs.map((t) => ({ name: t.name, datatype: t.datatype, shape: [...t.shape] })),
    transformer,
  };
}

function lowerAppModel(spec: AppKindSpec, signature: LowerInput["appSignature"]): ExternalModelIR {
  return {
    kind: "external",
    task: "tensor",
    labels: [...(spec.model.labels ?? [])],
    target: DEFAULTS.model.target,
    inputs: signature?.inputs ?? [],
    outputs: signature?.outputs ?? [],
    source: spec.model.source.sha256 ? { uri: spec.model.source.uri, sha256: spec.model.source.sha256 } : { uri: spec.model.source.uri },
  };
}

function lowerLifecycle(spec: ProjectKindSpec, model: ProjectModelIR): Pick<LifecycleProjectIR, "ingest" | "register" | "train" | "compile"> {
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
      .map(([metric, text]): GateIR => {
        // validate refused malformed gates; the same parser reads them here.
        const parsed = parseGate(text);
        if (!parsed.ok) throw new Error(`lower: unvalidated gate ${metric}: ${parsed.message}`);
        const g = parsed.gate;
        return g.kind === "absolute" ? { metric, op: g.op, value: g.value } : { metric, op: g.op, value: g.offset, alias: g.alias };
      })
      .sort((a, b) => a.metric.localeCompare(b.metric));
    out.train = {
      trainer: s.train.trainer,
      samples: s.train.trainer === "pretrained" ? [...(s.train.samples ?? exampleTexts(spec, model))] : [],
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
      ...(s.train.promote !== undefined ? { promote: s.train.promote } : {}),
    };
  }
  if (s.compile) {
    const d = DEFAULTS.compile;
    out.compile = {
      targets: s.compile.targets.map((t) =>
        t.kind === "onnx"
          ? {
              kind: "onnx" as const,
              optimization: t.optimization ?? d.optimization,
              quantize: t.quantize ?? d.quantize,
              // An int8 graph moves outputs by ~1e-2: unless the target says otherwise it keeps the
              // step's sample count but takes the int8 tolerances, not the step's FP32 ones.
              validate: t.validate
                ? lowerValidate(t.validate)
                : (t.quantize ?? d.quantize) === "int8"
                  ? lowerValidate(s.compile!.validate?.samples !== undefined ? { samples: s.compile!.validate.samples } : undefined, d.int8)
                  : lowerValidate(s.compile!.validate),
            }
          : {
              kind: "neuron" as const,
              instance: t.instance,
              batchSize: t.batch_size,
              // A mesh-trained model is traced at [batch, input width], a transformer at the tokenizer's max_length.
              maxLength: t.max_length ?? model.transformer?.maxLength ?? model.inputs[0]?.shape[1] ?? d.neuronMaxLength,
              dynamicBatch: t.dynamic_batch ?? d.dynamicBatch,
              compilerArgs: [...(t.compiler_args ?? DEFAULTS.neuronCompilerArgs)],
            },
      ),
      validate: lowerValidate(s.compile.validate),
    };
  }
  return out;
}

type ValidateSpec = NonNullable<NonNullable<ProjectKindSpec["steps"]["compile"]>["validate"]>;

/** Tolerances of a compile validation; `base` overrides the step defaults (int8 targets). */
function lowerValidate(v: ValidateSpec | undefined, base?: { atol: number; rtol: number; minLabelAgreement: number }): ValidateIR {
  const d = DEFAULTS.compile;
  return {
    samples: v?.samples ?? d.samples,
    atol: v?.atol ?? base?.atol ?? d.atol,
    rtol: v?.rtol ?? base?.rtol ?? d.rtol,
    minLabelAgreement: v?.min_label_agreement ?? base?.minLabelAgreement ?? d.minLabelAgreement,
    ...(v?.gates ? { gates: lowerCompileGates(v.gates) } : {}),
  };
}

/** compile.validate.gates: relative only (validate refused absolute ones and bad grammar). */
function lowerCompileGates(gates: NonNullable<ValidateSpec["gates"]>): NonNullable<ValidateIR["gates"]> {
  return Object.entries(gates)
    .filter((e): e is ["max_abs_diff" | "label_agreement", string] => typeof e[1] === "string")
    .map(([metric, text]) => {
      const parsed = parseGate(text);
      if (!parsed.ok || parsed.gate.kind !== "relative") throw new Error(`lower: unvalidated compile gate ${metric}: ${text}`);
      return { metric, op: parsed.gate.op, value: parsed.gate.offset, alias: parsed.gate.alias };
    })
    .sort((a, b) => a.metric.localeCompare(b.metric));
}

/** The golden documents of a pretrained model when the spec names none: its serve examples' texts. */
function exampleTexts(spec: ProjectKindSpec, model: ModelIR): string[] {
  const input = model.transformer?.input ?? DEFAULTS.transformer.input;
  return (spec.steps.serve?.examples ?? []).flatMap((e) => {
    const v = e.attributes[input];
    return typeof v === "string" ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
  });
}

function defaultAttributes(model: ModelIR, limits: ServeIR["limits"]): FieldIR[] {
  // A text attribute is bounded by the body limit anyway; saying so makes the bound visible in the OpenAPI.
  if (model.transformer) return [{ name: model.transformer.input, type: "string", maxLength: limits.bodyBytes }];
  const f = model.features;
  if (f?.kind === "hashed-ngrams") return [{ name: f.input, type: "string", maxLength: f.maxChars }];
  if (f?.kind === "standardize") return f.columns.map((name) => ({ name, type: "number" as const }));
  return model.inputs.map((t) => {
    const width = rowWidth(t);
    // A dynamic dimension (e.g. sequence length): any length up to what one request may carry.
    return width === undefined ? { name: t.name, type: "number[]" as const, maxLength: DEFAULTS.serve.maxTensorRow } : { name: t.name, type: "number[]" as const, length: width };
  });
}

/** Values in one row of a tensor; undefined when a non-batch dimension is dynamic. */
function rowWidth(t: TensorIR): number | undefined {
  const row = t.shape.slice(1);
  return row.some((d) => d < 0) ? undefined : row.reduce((a, b) => a * b, 1);
}

function defaultResponse(model: ModelIR): ResponseFieldIR[] {
  if (model.transformer) {
    return taskApi(model.transformer.task).response.map((f) => ({ name: f.name, type: f.type as ResponseFieldIR["type"] }));
  }
  if (model.task !== "tensor" || model.labels.length > 0) {
    return Object.entries(DEFAULTS.serve.response).map(([name, type]) => ({ name, type }));
  }
  return model.outputs.map((t) => ({ name: t.name, type: "number[]" as const }));
}

function lowerServe(name: string, s: ServeSpec, model: ModelIR): Omit<ServeIR, "env"> {
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
    : defaultAttributes(model, lowerLimits(s.limits));
  const parameters: ParameterIR[] = model.transformer
    ? transformerParameters(model.transformer)
    : Object.entries(s.api?.parameters ?? {}).map(([field, p]) => ({
        name: field,
        type: p.type,
        ...(p.default !== undefined ? { default: p.default } : {}),
        ...(p.min !== undefined ? { min: p.min } : {}),
        ...(p.max !== undefined ? { max: p.max } : {}),
        ...(p.enum !== undefined ? { enum: [...p.enum] } : {}),
      }));
  const response: ResponseFieldIR[] = s.api?.response ? Object.entries(s.api.response).map(([field, type]) => ({ name: field, type })) : defaultResponse(model);
  const examples: ExampleIR[] = (s.examples ?? []).map((e, i) => ({
    name: e.name ?? `example-${i + 1}`,
    attributes: e.attributes,
    parameters: e.parameters ?? {},
    expect: e.expect ?? {},
  }));
  const port = s.port ?? d.port;
  const api = { basePath: `/${name}/v1`, namespace: name, attributes, parameters, response };
  return {
    runtime: s.runtime ?? d.runtime,
    host: s.host ?? d.host,
    containerPort: port,
    hostPort: port,
    workers: s.workers ?? d.workers,
    threads: { intraOp: s.threads?.intra_op ?? d.threads.intraOp, interOp: s.threads?.inter_op ?? d.threads.interOp },
    batching: lowerBatching(s.batching),
    limits: lowerLimits(s.limits),
    drainMs: s.drain_ms ?? d.drainMs,
    api,
    ...(model.transformer ? {} : { respond: respondPlan(model, api) }),
    examples,
    slo: { p99Ms: s.slo?.p99_ms ?? d.slo.p99Ms, minRps: s.slo?.min_rps ?? d.slo.minRps, errorRate: s.slo?.error_rate ?? d.slo.errorRate },
    release: {
      strategy: s.release?.strategy ?? d.release.strategy,
      steps: (s.release?.steps ?? d.release.steps).map((r) => ({ weight: r.weight, pauseS: ("pause_s" in r ? r.pause_s : undefined) ?? d.release.pauseS })),
    },
    autoscale: {
      signal: s.autoscale?.signal ?? d.autoscale.signal,
      ...(s.autoscale?.max_replicas !== undefined ? { maxReplicas: s.autoscale.max_replicas } : {}),
      queueRows: s.autoscale?.queue_rows ?? d.autoscale.queueRows,
    },
    prometheus: s.prometheus ?? d.prometheus,
    load: { durationS: s.load?.duration_s ?? d.load.durationS, connections: s.load?.connections ?? d.load.connections },
    image: { maxMb: s.image?.max_mb ?? d.image.maxMb, model: s.image?.model ?? d.image.model },
    replicas: s.replicas ?? d.replicas,
    resources: { cpu: s.resources?.cpu ?? d.resources.cpu, memory: s.resources?.memory ?? d.resources.memory },
  };
}

/** A transformer task's request parameters, defaulted from the spec's task options. */
function transformerParameters(t: TransformerIR): ParameterIR[] {
  const k = t.keywords;
  const defaults: Readonly<Record<string, ParameterIR["default"]>> = {
    aggregation: t.aggregation,
    keyphrase_ngram_range: [...k.ngramRange],
    stop_words: typeof k.stopWords === "string" ? k.stopWords : [...k.stopWords],
    top_n: k.topN,
    min_df: k.minDf,
    use_maxsum: k.useMaxsum,
    use_mmr: k.useMmr,
    diversity: k.diversity,
    nr_candidates: k.nrCandidates,
  };
  return taskApi(t.task).parameters.map((p) => {
    const d = defaults[p.name];
    return {
      name: p.name,
      type: p.type,
      ...(d !== undefined ? { default: d } : {}),
      ...(p.min !== undefined ? { min: p.min } : {}),
      ...(p.max !== undefined ? { max: p.max } : {}),
      ...(p.enum ? { enum: [...p.enum] } : {}),
      ...(p.length !== undefined ? { length: p.length } : {}),
      ...(p.maxItems !== undefined ? { maxItems: p.maxItems } : {}),
      ...(p.words ? { words: [...p.words] } : {}),
    };
  });
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

function lowerEnvironments(spec: ProjectSpec, workspace: WorkspaceSpec | undefined, serve: ServeIR, graphOptimization: ServeEnvSettings["graphOptimization"]): EnvironmentIR[] {
  // dev and ci always exist (compose profiles); stage and prod when either file names them.
  const named = new Set<EnvironmentName>(["dev", "ci"]);
  for (const e of Object.keys(spec.environments ?? {})) named.add(e as EnvironmentName);
  for (const e of Object.keys(workspace?.environments ?? {})) named.add(e as EnvironmentName);
  return ENV_ORDER.filter((e) => named.has(e)).map((env) => {
    const o = spec.environments?.[env];
    const s = o?.serve;
    const settings = {
      workers: s?.workers ?? serve.workers,
      batching: lowerBatching(s?.batching, serve.batching),
      limits: lowerLimits(s?.limits, serve.limits),
      threads: { intraOp: s?.threads?.intra_op ?? serve.threads.intraOp, interOp: s?.threads?.inter_op ?? serve.threads.interOp },
    };
    // An environment's `serve.port` is where its local runs are reached; inside the container the server keeps the project's port.
    const shared = { host: serve.host, containerPort: serve.containerPort, drainMs: serve.drainMs, ...(graphOptimization ? { graphOptimization } : {}) };
    return {
      name: env,
      registry: o?.registry ?? workspace?.environments?.[env]?.registry ?? workspace?.registry ?? DEFAULTS.registry,
      modelRef: s?.alias ?? DEFAULTS.modelRef,
      imageTag: o?.image_tag ?? DEFAULTS.imageTag,
      serve: {
        hostPort: s?.port ?? serve.hostPort,
        replicas: s?.replicas ?? serve.replicas,
        resources: { cpu: s?.resources?.cpu ?? serve.resources.cpu, memory: s?.resources?.memory ?? serve.resources.memory },
        ...settings,
        env: serveEnv({ ...shared, ...settings }),
      },
    };
  });
}

/** `<prefix>/<stem>`: the one rule for image repository names (a trailing `/` on the prefix is dropped). */
function prefixed(prefix: string, stem: string): string {
  const p = prefix.replace(/\/+$/, "");
  return p === "" ? stem : `${p}/${stem}`;
}

function lowerImages(spec: ProjectSpec, workspace: WorkspaceSpec | undefined): ImagesIR {
  const w = workspace?.images;
  const t = workspace?.toolchain;
  const d = DEFAULTS.images;
  const prefix = w?.prefix ?? d.prefix;
  return {
    prefix,
    neuron: { compile: prefixed(prefix, `${spec.name}-compile-neuron`), serve: prefixed(prefix, `${spec.name}-serve-neuron`) },
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
  return { step, repository: `${name}-${step}`, image: prefixed(images.prefix, `${name}-${step}`), base: images.base, runtime: step === "serve" ? "mesh-serve" : "mesh-train" };
}
