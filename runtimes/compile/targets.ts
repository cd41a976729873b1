/**
 * Target kind → compiler. `onnx` is built in; Neuron (`neuron`, and its CPU twin traced
 * with torch.jit.trace) belongs to the Neuron engineer, who registers a compiler here with
 * one line. A kind without a compiler fails with a clear "not available here" message.
 */
import { compileOnnx } from "./onnx-target.js";
import { compileTorch } from "../neuron/torch-target.js";
import { TargetUnavailableError } from "./target-unavailable.js";
import type { CompileTarget, TargetCompiler } from "./types.js";

export const TARGET_COMPILERS: Readonly<Record<string, TargetCompiler | undefined>> = {
  onnx: compileOnnx,
  neuron: compileTorch,
  cpu: compileTorch,
};

/**
 * Kinds a plain `mesh run` on a laptop skips with a note: they need hardware or an image
 * this machine does not have (the generated Makefile and Neuron scripts handle them).
 */
export const REMOTE_TARGET_KINDS: readonly string[] = ["neuron"];

export { TargetUnavailableError } from "./target-unavailable.js";

export function targetCompiler(target: CompileTarget): TargetCompiler {
  const compiler = TARGET_COMPILERS[target.kind];
  if (!compiler) {
    throw new TargetUnavailableError(`compile target "${target.kind}" is not available here; it is compiled by its own image (see the generated Makefile)`);
  }
  return compiler;
}

/** "onnx (optimization all)", "neuron (inf2, batch 8)": for progress lines. */
export function describeTarget(t: CompileTarget): string {
  if (t.kind === "onnx") return `onnx (optimization ${t.optimization}${t.quantize === "int8" ? ", int8" : ""})`;
  if (t.kind === "cpu") return `cpu (torch.jit.trace of the ${t.instance} target, batch ${t.batchSize})`;
  return `${t.kind} (${t.instance}, batch ${t.batchSize})`;
}

/**
 * The targets `--target KIND` asks for: the spec's targets of that kind, or for "cpu" the
 * CPU twin of each Neuron target. Empty when the spec has none.
 */
export function selectTargets(targets: readonly CompileTarget[], kind: string): CompileTarget[] {
  if (kind === "cpu") return targets.flatMap((t) => (t.kind === "neuron" ? [{ ...t, kind: "cpu" as const }] : []));
  return targets.filter((t) => t.kind === kind);
}
