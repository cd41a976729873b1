/**
 * IR → the data the Neuron scripts are written from (runtimes/neuron builds the same
 * data from a trained version's card, so generated and executed scripts are one text).
 */
import type { CompileTargetIR, ProjectIR } from "../../compiler/ir.js";
import { layerWidths, type NeuronScriptConfig } from "../../runtimes/neuron/script-config.js";

export type NeuronTargetIR = Extract<CompileTargetIR, { kind: "neuron" }>;

/** The spec's Neuron targets, in order. */
export function neuronTargets(ir: ProjectIR): NeuronTargetIR[] {
  return (ir.compile?.targets ?? []).filter((t): t is NeuronTargetIR => t.kind === "neuron");
}

/** Folder of the i-th Neuron target (0-based): compile/neuron, then compile/neuron-2, … */
export function targetFolder(i: number): string {
  return i === 0 ? "compile/neuron" : `compile/neuron-${i + 1}`;
}

/** Script config of one target; undefined for projects without a mesh-trained model. */
export function scriptConfig(ir: ProjectIR, t: NeuronTargetIR): NeuronScriptConfig | undefined {
  const features = ir.model.features;
  if (!features || !ir.train) return undefined;
  return {
    key: ir.key,
    labels: ir.model.labels,
    features,
    layers: layerWidths(features, ir.train.trainer, ir.train.params.hidden, ir.model.labels.length),
    standardize: features.kind === "standardize",
    instance: t.instance,
    batchSize: t.batchSize,
    dynamicBatch: t.dynamicBatch,
    compilerArgs: t.compilerArgs,
  };
}
