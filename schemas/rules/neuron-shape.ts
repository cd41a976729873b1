/**
 * A mesh-trained model is traced for Neuron at [batch_size, input width], the width being
 * fixed by the featurizer (hashed-ngrams: dims; standardize: the column count). A
 * `max_length` that names another width cannot be traced for that model, so it is refused
 * where it is written. (Only when the width is stated in the spec: the dims default lives
 * in the compiler and lowering fills max_length from it.)
 */
import type { ProjectKindSpec } from "../project.js";
import type { RuleViolation } from "./types.js";

export function checkNeuronShape(spec: ProjectKindSpec): RuleViolation[] {
  const features = spec.model.features;
  if (!features) return [];
  const width = features.kind === "standardize" ? features.columns.length : features.dims;
  if (width === undefined) return [];
  const what = features.kind === "standardize" ? `${width} feature columns` : `features.dims ${width}`;
  const out: RuleViolation[] = [];
  (spec.steps.compile?.targets ?? []).forEach((t, i) => {
    if (t.kind !== "neuron" || t.max_length === undefined || t.max_length === width) return;
    out.push({
      rule: "neuron-shape",
      path: ["steps", "compile", "targets", i, "max_length"],
      params: { message: `max_length ${t.max_length} of neuron target ${i + 1} (${t.instance}) is not the model's input width (${what}); the model is traced at [batch_size, ${width}]` },
      hint: `remove max_length (it defaults to the input width) or set it to ${width}`,
    });
  });
  return out;
}
