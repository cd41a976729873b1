/**
 * Compile configuration, structurally the IR's `CompileIR`, and the hook every compile
 * target implements. Adding a target kind = one TargetCompiler registered in targets.ts.
 */
import type { FeatureSpec } from "../features/index.js";
import type { Log } from "../lifecycle/progress.js";
import type { ArtifactFiles } from "../registry/types.js";
import type { AttributeRow } from "../train/golden.js";
import type { TransformerServing } from "../transformers/config.js";

/** A Neuron target as the spec states it. */
export interface NeuronTarget {
  readonly kind: "neuron";
  readonly instance: "inf1" | "inf2" | "trn1";
  readonly batchSize: number;
  readonly maxLength: number;
  readonly dynamicBatch: boolean;
  readonly compilerArgs: readonly string[];
}

/**
 * A target to compile: the spec's (onnx, neuron), or "cpu": a Neuron target traced with
 * torch.jit.trace on the CPU with the same shapes (`mesh run NAME --only compile --target
 * cpu`), the check that can run on machines without Inferentia.
 */
/** How a compiled model is checked against its parent's golden predictions. */
export interface ValidateConfig {
  readonly samples: number;
  readonly atol: number;
  readonly rtol: number;
  /** Share of golden rows whose predicted label must stay the same (1 when absent). */
  readonly minLabelAgreement?: number;
  /** Comparisons with the compiled version an alias points at (promotion only; see train/gates.ts). */
  readonly gates?: readonly { readonly metric: "max_abs_diff" | "label_agreement"; readonly op: ">=" | "<=" | ">" | "<"; readonly value: number; readonly alias: string }[];
}

export type CompileTarget =
  | {
      readonly kind: "onnx";
      readonly optimization: "disabled" | "basic" | "extended" | "all";
      /** int8: dynamic quantization of constant-weight MatMuls before optimisation. */
      readonly quantize?: "none" | "int8";
      /** This target's own tolerances; the step's otherwise. */
      readonly validate?: ValidateConfig;
    }
  | NeuronTarget
  | (Omit<NeuronTarget, "kind"> & { readonly kind: "cpu" });

export interface CompileConfig {
  readonly targets: readonly CompileTarget[];
  readonly validate: ValidateConfig;
}

/** What a target compiler receives: the downloaded trained version and a scratch folder. */
export interface TargetInput {
  readonly target: CompileTarget;
  /** Local folder holding the trained version (model.onnx, card.json, test_files/). */
  readonly trainedDir: string;
  /** Scratch folder for this target's output; removed by the caller. */
  readonly workDir: string;
  /** mesh-trained models: the featurizer; transformers: the task settings (one of the two). */
  readonly features?: FeatureSpec;
  readonly transformer?: TransformerServing;
  readonly log: Log;
}

/** A compiled artifact: its files (relative path → bytes or local file) and a way to run it. */
export interface CompiledArtifact {
  readonly files: ArtifactFiles;
  /** Probabilities for raw attribute rows, one array per row in label order. */
  predict(rows: readonly AttributeRow[]): Promise<number[][]>;
  /** Releases sessions or processes. */
  close(): Promise<void>;
  /** Facts about the compilation for the card (optimisation level, sizes, …). */
  readonly details: Readonly<Record<string, unknown>>;
}

export type TargetCompiler = (input: TargetInput) => Promise<CompiledArtifact>;
