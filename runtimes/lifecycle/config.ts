/**
 * What `mesh run` hands the lifecycle: one project's step configs, structurally the IR's
 * (the CLI maps IR → this; runtimes never import the compiler).
 */
import type { CompileConfig } from "../compile/types.js";
import type { IngestConfig, S3Settings } from "../ingest/types.js";
import type { Registry } from "../registry/types.js";
import type { S3Options } from "../registry/s3-client.js";
import type { RegisterConfig } from "../register/types.js";
import type { ModelConfig, TrainConfig } from "../train/types.js";
import type { Log } from "./progress.js";

export type LifecycleStep = "ingest" | "register" | "train" | "compile";
export const LIFECYCLE_STEPS: readonly LifecycleStep[] = ["ingest", "register", "train", "compile"];

export interface LifecycleConfig {
  readonly project: string;
  readonly key: string;
  readonly specHash: string;
  readonly toolVersion: string;
  readonly model: ModelConfig;
  readonly ingest?: IngestConfig;
  readonly register?: RegisterConfig;
  readonly train?: TrainConfig;
  readonly compile?: CompileConfig;
  /** Workspace-relative folder of the spec: `file://` model sources are relative to it. */
  readonly projectDir?: string;
}

export interface LifecycleOptions {
  /** Absolute workspace root: file:// and npm: sources resolve from it. */
  readonly root: string;
  readonly registry: Registry;
  /** Run just this step (its inputs must exist from an earlier run). */
  readonly only?: LifecycleStep;
  /**
   * Compile only targets of this kind ("onnx", "neuron", or "cpu": the CPU twin of the
   * Neuron targets). Kinds asked for explicitly are never skipped as needing other hardware.
   */
  readonly targetKind?: string;
  /** Redo steps even when their inputs did not change. */
  readonly force?: boolean;
  /** Step summaries (stdout in the CLI). */
  readonly report: Log;
  /** Progress within a step (stderr in the CLI). */
  readonly log: Log;
  readonly s3?: S3Settings;
  /** S3 settings for s3:// model sources (the registry's client options). */
  readonly modelS3?: S3Options;
}

export type StepStatus = "done" | "skipped" | "absent";

export interface StepOutcome {
  readonly step: LifecycleStep;
  readonly status: StepStatus;
  /** One line: what was produced or reused. */
  readonly detail: string;
  readonly ms: number;
}
