/**
 * `trainer: pretrained` registers a model as it is: it has no held-out split and measures no
 * accuracy, macro-F1 or log-loss, so `train.gates` would never be judged — an absolute gate
 * would not stop the registration and `train.promote` would promote every run. Refused here,
 * at the gates, rather than silently ignored; what a pretrained model's compiled versions can
 * be compared on is compile.validate.gates (label agreement with the alias's version).
 */
import type { ProjectSpec } from "../project.js";
import type { RuleViolation } from "./types.js";

export function checkPretrainedGates(spec: ProjectSpec): RuleViolation[] {
  if (spec.kind !== "Project") return [];
  const train = spec.steps.train;
  if (train?.trainer !== "pretrained" || train.gates === undefined) return [];
  const names = Object.keys(train.gates);
  return [
    {
      rule: "pretrained-gates",
      path: ["steps", "train", "gates"],
      anchor: "key",
      params: {
        message: `trainer pretrained measures no ${names.length ? names.join(", ") : "metrics"} (it trains nothing and has no held-out split), so train.gates could never stop a registration${train.promote ? ` or the promotion to ${train.promote}` : ""}`,
      },
      hint: 'remove train.gates; to keep a worse compiled version from being promoted, use compile.validate.gates, e.g. { label_agreement: ">= production - 0.01" }',
    },
  ];
}
