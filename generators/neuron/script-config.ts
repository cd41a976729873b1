/**
 * IR → the data the Neuron scripts are written from (runtimes/neuron builds the same
 * data from a trained version's card, so generated and executed scripts are one text).
 */
import type { CompileIR, CompileTargetIR, LifecycleProjectIR, TrainedModelIR } from "../../compiler/ir.js";
import { layerWidths, type NeuronScriptConfig } from "../../runtimes/neuron/script-config.js";

export type NeuronTargetIR = Extract<CompileTargetIR, { kind: "neuron" }>;

/** The spec's Neuron targets, in order. */
export function neuronTargets(compile: CompileIR): NeuronTargetIR[] {
  return compile.targets.filter((t): t is NeuronTargetIR => t.kind === "neuron");
}

/** Folder of the i-th Neuron target (0-based): compile/neuron, then compile/neuron-2, … */
export function targetFolder(i: number): string {
  return i === 0 ? "compile/neuron" : `compile/neuron-${i + 1}`;
}

/** Script config of one target of a mesh-trained model; undefined without a train step (nothing sizes the layers). */
export function scriptConfig(ir: LifecycleProjectIR, model: TrainedModelIR, t: NeuronTargetIR): NeuronScriptConfig | undefined {
  const { features } = model;
  if (!ir.train) return undefined;
  return {
    key: ir.key,
    labels: model.labels,
    features,
    layers: layerWidths(features, ir.train.trainer, ir.train.params.hidden, model.labels.length),
    standardize: features.kind === "standardize",
    instance: t.instance,
    batchSize: t.batchSize,
    dynamicBatch: t.dynamicBatch,
    compilerArgs: t.compilerArgs,
  };
}
