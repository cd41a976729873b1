/**
 * The intermediate representation: a readonly, fully defaulted description of one project,
 * produced by `compiler/lower` from a validated spec and the workspace. It holds data, never
 * rendered text. Generators read only these types; they never see YAML or zod.
 *
 * Adding a capability means adding data here (one field), filling it in `lower`, and one
 * generator that reads it.
 */

export type Task = "text-classification" | "tabular-classification" | "token-classification" | "feature-extraction" | "keyword-extraction";
import { LIFECYCLE_STEPS, type LifecycleStep } from "../runtimes/lifecycle/config.js";
import type { RunConfig } from "../runtimes/lifecycle/run-config.js";
import type { CompileTarget, NeuronTarget, ValidateConfig } from "../runtimes/compile/types.js";
import type { FeatureSpec } from "../runtimes/features/index.js";
import type { IngestConfig } from "../runtimes/ingest/types.js";
import type { ColumnConfig, RegisterConfig, ScalarType as RegisterScalarType } from "../runtimes/register/types.js";
import type { GateConfig, TrainConfig } from "../runtimes/train/types.js";

/** The lifecycle's steps (owned by runtimes/lifecycle, which runs them), then serve. */
export type StepName = LifecycleStep | "serve";
export const STEP_ORDER: readonly StepName[] = [...LIFECYCLE_STEPS, "serve"];
export type { LifecycleStep };
export type EnvironmentName = "dev" | "ci" | "stage" | "prod";
/** A column or field type: the register runtime's. */
export type ScalarType = RegisterScalarType;

/** How rows are featurized: the runtime's contract (runtimes/features), shared by train and serve. */
export type FeaturesIR = FeatureSpec;

/** How a model tensor is shaped and named; shared by train, compile and serve (-1: symbolic). */
export type { SignatureTensor as TensorIR } from "../runtimes/support/onnx-signature.js";
import type { SignatureTensor as TensorIR } from "../runtimes/support/onnx-signature.js";
import type { PretrainedModel } from "../runtimes/train/types.js";

/** A pretrained Hugging Face model folder and how its task is served: the runtime's, plus where its lock is. */
export interface TransformerIR extends PretrainedModel {
  readonly source: PretrainedModel["source"] & {
    /** Workspace-relative path of model.lock.json. */
    readonly lockFile: string;
  };
}

interface ModelCommonIR {
  readonly task: Task | "tensor";
  readonly labels: readonly string[];
  readonly target: string;
  readonly inputs: readonly TensorIR[];
  readonly outputs: readonly TensorIR[];
}

/** Where an externally maintained model comes from (an App's `model.source`). */
export interface ModelSourceIR {
  readonly uri: string;
  readonly sha256?: string;
}

/** A model mesh trains (Project): rows are featurized, so it has features and no source. */
export interface TrainedModelIR extends ModelCommonIR {
  readonly kind: "trained";
  readonly features: FeaturesIR;
  readonly source?: undefined;
  readonly transformer?: undefined;
}

/** An App's externally maintained tensor model: its inputs are the model's own tensors, no features. */
export interface ExternalModelIR extends ModelCommonIR {
  readonly kind: "external";
  readonly source: ModelSourceIR;
  readonly features?: undefined;
  readonly transformer?: undefined;
}

/** A pretrained transformer (Project with trainer: pretrained, or an App with a task, which also names its source). */
export interface TransformerModelIR extends ModelCommonIR {
  readonly kind: "transformer";
  readonly transformer: TransformerIR;
  readonly source?: ModelSourceIR;
  readonly features?: undefined;
}

/** What generators may assume about a model follows from its `kind`; the type checker enforces it. */
export type ModelIR = TrainedModelIR | ExternalModelIR | TransformerModelIR;

/** A Project's model: mesh trains it from featurized rows, or registers a pretrained transformer (no spec source of its own). */
export type ProjectModelIR = TrainedModelIR | (TransformerModelIR & { readonly source?: undefined });

/** An App's model: an external tensor model or a transformer folder, either way named by the spec's `model.source`. */
export type AppModelIR = ExternalModelIR | (TransformerModelIR & { readonly source: ModelSourceIR });

/** The ingest step as lowered: the runtime's IngestConfig without the host-only `allowPaths`. */
export type IngestIR = Omit<IngestConfig, "allowPaths">;

export type ColumnIR = ColumnConfig;

/** The register step; the runtime's config adds the model's target column (compiler/lower/run-config.ts). */
export type RegisterIR = Omit<RegisterConfig, "target">;

export type GateIR = GateConfig;

/** The train step, fully defaulted (`samples` always present; `promote` only when the spec names an alias). */
export type TrainIR = Required<Omit<TrainConfig, "promote">> & Pick<TrainConfig, "promote">;

/** A compiled model's tolerances, fully defaulted (relative `gates` only when the spec gives some). */
export type ValidateIR = Required<Omit<ValidateConfig, "gates">> & Pick<ValidateConfig, "gates">;

type OnnxTarget = Extract<CompileTarget, { readonly kind: "onnx" }>;

/** The spec's compile targets, fully defaulted (the runtime also knows "cpu", which is chosen at run time). */
export type CompileTargetIR = (Required<Omit<OnnxTarget, "validate">> & { readonly validate: ValidateIR }) | NeuronTarget;

export interface CompileIR {
  readonly targets: readonly CompileTargetIR[];
  readonly validate: ValidateIR;
}

export interface FieldIR {
  readonly name: string;
  /**
   * "number[]" is one row of a tensor input (App models): a flat array of `length` numbers
   * (any length up to `maxLength` when the model's dimension is dynamic). "string[]" and
   * "integer[]" are list parameters (keyword extraction).
   */
  readonly type: ScalarType | "number[]" | "string[]" | "integer[]";
  readonly length?: number;
  readonly maxLength?: number;
  readonly min?: number;
  readonly max?: number;
}

export interface ParameterIR extends FieldIR {
  readonly default?: string | number | boolean | readonly (string | number)[];
  readonly enum?: readonly string[];
  /** Lists: at most this many items. */
  readonly maxItems?: number;
  /** string[]: single words accepted instead of a list (e.g. "english"). */
  readonly words?: readonly string[];
}

export interface ResponseFieldIR {
  readonly name: string;
  /**
   * "scores": an object label → probability; "number[]": a raw output row (App models) or an
   * embedding; "entities" / "keywords": the token-classification and keyword-extraction answers.
   */
  readonly type: ScalarType | "scores" | "number[]" | "entities" | "keywords";
}

export interface ExampleIR {
  readonly name: string;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly parameters: Readonly<Record<string, unknown>>;
  readonly expect: Readonly<Record<string, unknown>>;
}

/** How one response field is computed from a model output row (compiler/lower/respond-plan.ts). */
export type FieldRule = { readonly field: string; readonly rule: "label" | "score" | "scores" } | { readonly field: string; readonly rule: "row" };

/** The response plan both servers (TypeScript and the Neuron Python one) follow. */
export interface RespondPlanIR {
  readonly labels: readonly string[];
  /** True when a binary model's positive class is picked by the `threshold` parameter. */
  readonly threshold: boolean;
  readonly fields: readonly FieldRule[];
}

/** The served HTTP API: the one URL rule and payload shapes, generated for every project. */
export interface ServeApiIR {
  /** `/<name>/v1` — the seed's scheme. */
  readonly basePath: string;
  readonly namespace: string;
  readonly attributes: readonly FieldIR[];
  readonly parameters: readonly ParameterIR[];
  readonly response: readonly ResponseFieldIR[];
}

/**
 * One `MESH_*` variable the server declares (runtimes/serve/config.ts `ENV_VARS`: name, type,
 * default, doc) with the value this project's spec gives it. `key` is the variable's
 * `ServeConfig` field. Every env map a generator writes (the serve defaults in main.ts, the k8s
 * ConfigMap and overlays, compose) is derived from these lists, never written by hand.
 */
export interface ServeEnvIR {
  readonly name: string;
  readonly key: string;
  readonly value: string | number | boolean;
}

export interface ServeIR {
  readonly runtime: "onnxruntime";
  /** Bind address inside images; local runs bind loopback unless told otherwise. */
  readonly host: string;
  /**
   * The port the server listens on inside every container (the image's EXPOSE and MESH_PORT,
   * compose's and the Makefile's container side, the k8s containerPort and Service): the spec's
   * `serve.port`, the same in every environment.
   */
  readonly containerPort: number;
  /** The host port of local runs (`mesh serve`, `make run-serve`, compose, README): the spec's `serve.port`. */
  readonly hostPort: number;
  readonly workers: number;
  readonly threads: { readonly intraOp: number; readonly interOp: number };
  readonly batching: { readonly enabled: boolean; readonly maxBatch: number; readonly maxDelayMs: number; readonly queue: number };
  readonly limits: { readonly bodyBytes: number; readonly timeoutMs: number; readonly maxRows: number };
  readonly drainMs: number;
  readonly api: ServeApiIR;
  /** How each response field is computed from the model's output (absent for transformers, whose task shapes the answer). */
  readonly respond?: RespondPlanIR;
  readonly examples: readonly ExampleIR[];
  readonly slo: { readonly p99Ms: number; readonly minRps: number; readonly errorRate: number };
  /** How a new version reaches the pods: all at once (rolling) or canary steps gated by analysis. */
  readonly release: { readonly strategy: "rolling" | "canary"; readonly steps: readonly { readonly weight: number; readonly pauseS: number }[] };
  /** What the autoscaler watches; `maxReplicas` absent: the generators' headroom over replicas. */
  readonly autoscale: { readonly signal: "cpu" | "queue"; readonly maxReplicas?: number; readonly queueRows: number };
  /** The Prometheus that canary analysis and the queue autoscaler query. */
  readonly prometheus: string;
  readonly load: { readonly durationS: number; readonly connections: number };
  readonly image: { readonly maxMb: number; readonly model: "baked" | "download" };
  readonly replicas: number;
  readonly resources: { readonly cpu: string; readonly memory: string };
  /** The spec's serve settings as the server's MESH_* variables (what the image's defaults are). */
  readonly env: readonly ServeEnvIR[];
}

export interface EnvironmentIR {
  readonly name: EnvironmentName;
  readonly registry: string;
  /**
   * The MESH_MODEL_REF this environment serves: its `serve.alias` (e.g. production), else
   * `latest` (the newest servable version). Computed here once; generators and `mesh serve
   * --env` read it.
   */
  readonly modelRef: string;
  readonly imageTag: string;
  /** The effective serve settings of this environment (the spec's, overlaid by `environments.<name>.serve`). */
  readonly serve: Pick<ServeIR, "hostPort" | "workers" | "replicas" | "batching" | "limits" | "resources" | "threads" | "env">;
}

export interface ImagesIR {
  /** Registry prefix for pushed images, "" for local only. */
  readonly prefix: string;
  readonly base: string;
  readonly neuronCompile: string;
  readonly neuronInference: string;
  readonly nodeVersion: string;
  readonly neuronSdk: string;
  readonly torch: string;
  readonly python: string;
  /** Prefixed repositories of the Neuron images (no tag): the compile job and the Neuron server. */
  readonly neuron: { readonly compile: string; readonly serve: string };
}

/** One image per step, described as data; the Dockerfile generator renders it. */
export interface StepImageIR {
  readonly step: StepName;
  /** `<name>-<step>`, without registry prefix or tag. */
  readonly repository: string;
  /** The repository images are built and pulled as: `<images.prefix>/<name>-<step>` (no tag). */
  readonly image: string;
  /** The image the final stage starts FROM. */
  readonly base: string;
  /** The core image family this step runs on. */
  readonly runtime: "mesh-serve" | "mesh-train" | "mesh-neuron-compile" | "mesh-neuron-inference";
}

/** Workspace-level CI settings (mesh.yaml `ci`), the same for every project. */
export interface CiIR {
  /** `runs-on` labels of Neuron compile jobs. */
  readonly neuronRunner: readonly string[];
  /** Branches whose pushes run the workflow (pull requests always do). */
  readonly branches: readonly string[];
}

interface ProjectCommonIR {
  readonly name: string;
  readonly key: string;
  readonly description: string;
  readonly owners: readonly string[];
  /** Workspace-relative path of the spec, POSIX separators, e.g. `projects/spam/project.yaml`. */
  readonly specPath: string;
  /**
   * Relative path from `out/<name>/` back to the workspace root (POSIX), e.g. `../..`, so
   * generated Makefiles and scripts find `bin/mesh.js` wherever `--out` points inside it.
   */
  readonly rootFromOut: string;
  /** sha256 (hex) of the canonical JSON of the validated spec. */
  readonly specHash: string;
  readonly meshVersion: string;
  readonly serve: ServeIR;
  /** Steps present, in lifecycle order. */
  readonly steps: readonly StepName[];
  /** The lifecycle steps present (`steps` without serve), in order: what `mesh run` and the step images run. */
  readonly lifecycleSteps: readonly LifecycleStep[];
  readonly stepImages: readonly StepImageIR[];
  readonly images: ImagesIR;
  /** Default registry URI (dev), then one entry per environment, in dev, ci, stage, prod order. */
  readonly registry: string;
  readonly environments: readonly EnvironmentIR[];
  readonly aws: { readonly region: string; readonly s3Endpoint: string; readonly s3ForcePathStyle: boolean };
  readonly ci: CiIR;
}

/** A Project: mesh runs its lifecycle (each step optional in the spec), then serves what it registered. */
export interface LifecycleProjectIR extends ProjectCommonIR {
  readonly kind: "Project";
  readonly model: ProjectModelIR;
  readonly ingest?: IngestIR;
  readonly register?: RegisterIR;
  readonly train?: TrainIR;
  readonly compile?: CompileIR;
  /** When the lifecycle runs by itself in the cluster (a CronWorkflow); absent: on demand only. */
  readonly schedule?: { readonly cron: string; readonly timezone: string };
  /** The lifecycle's configuration as the runtime reads it (`mesh run`, and each step image's step.json). */
  readonly run: RunConfig;
}

/** An App: an externally maintained model, served as it is; it has no lifecycle (the spec refuses lifecycle steps). */
export interface AppIR extends ProjectCommonIR {
  readonly kind: "App";
  readonly model: AppModelIR;
  readonly ingest?: undefined;
  readonly register?: undefined;
  readonly train?: undefined;
  readonly compile?: undefined;
  readonly schedule?: undefined;
  readonly run?: undefined;
}

/** What generators may assume about a project follows from its `kind`; the type checker enforces it. */
export type ProjectIR = LifecycleProjectIR | AppIR;

/** What a generator returns: a file relative to `out/<name>/`, and its mode. */
export interface GeneratedFile {
  readonly path: string;
  readonly contents: string;
  readonly mode: 0o644 | 0o755;
}
