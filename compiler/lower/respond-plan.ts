/**
 * How each declared response field is computed from one model output row. Kept apart from
 * the code writer so the rules read in one place:
 * - `label`: the class picked — argmax, or for two labels with a numeric `threshold`
 *   parameter, the second (positive) label when its probability reaches the threshold;
 * - `score`: the probability of the picked label;
 * - any `scores` field: label → probability, for every label;
 * - `number[]` (Apps): the raw row of the model's first output, named after it.
 */
import type { FieldRule, ModelIR, RespondPlanIR, ResponseFieldIR, ServeApiIR } from "../ir.js";

function ruleFor(model: ModelIR, f: ResponseFieldIR): FieldRule {
  const where = `serve.api.response.${f.name}`;
  const labelled = model.labels.length > 0;
  if (f.type === "scores") {
    if (!labelled) throw new Error(`${where}: "scores" needs model labels`);
    return { field: f.name, rule: "scores" };
  }
  if (f.type === "number[]") {
    const first = model.outputs[0]?.name;
    if (f.name !== first) throw new Error(`${where}: only the model's first output (${first ?? "none"}) can be served as number[]`);
    return { field: f.name, rule: "row" };
  }
  if (f.name === "label" && f.type === "string" && labelled) return { field: f.name, rule: "label" };
  if (f.name === "score" && f.type === "number" && labelled) return { field: f.name, rule: "score" };
  throw new Error(`${where}: mesh computes label (string), score (number), scores and, for Apps, the first output (number[]); "${f.name}: ${f.type}" is none of them`);
}

export function respondPlan(model: ModelIR, api: ServeApiIR): RespondPlanIR {
  const threshold = model.labels.length === 2 && api.parameters.some((p) => p.name === "threshold" && p.type === "number");
  return { labels: model.labels, threshold, fields: api.response.map((f) => ruleFor(model, f)) };
}
