/**
 * Runs the cross-field rules of `schemas/project-rules.ts` and positions their violations
 * on the YAML nodes they name. The defaults the rules need come from `lower/defaults.ts`,
 * the one place defaults live.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { createDiagnostic, type MessageId, type MessageParams } from "../diagnostics/registry.js";
import type { LoadedYaml } from "../load/load-yaml.js";
import { locate } from "../load/locate.js";
import { DEFAULTS } from "../lower/defaults.js";
import type { RuleDefaults, RuleId, RuleViolation } from "../../schemas/project-rules.js";

// Every rule name must be a registry message; this line stops compiling if one is not.
const ruleIsMessage: (id: RuleId) => MessageId = (id) => id;

/** The defaults the rules depend on, taken from the single defaults table. */
export const RULE_DEFAULTS: RuleDefaults = {
  target: DEFAULTS.model.target,
  textInput: DEFAULTS.features.input,
  transformerInput: DEFAULTS.transformer.input,
  maxBatch: DEFAULTS.serve.batching.maxBatch,
  batchingEnabled: DEFAULTS.serve.batching.enabled,
  queueRows: DEFAULTS.serve.batching.queue,
  maxRows: DEFAULTS.serve.limits.maxRows,
  dynamicBatch: DEFAULTS.compile.dynamicBatch,
  response: DEFAULTS.serve.response,
};

/** Violations → diagnostics positioned in `loaded`. */
export function ruleDiagnostics(loaded: LoadedYaml, violations: readonly RuleViolation[]): Diagnostic[] {
  return violations.map((v) => {
    const at = locate(loaded, v.path, v.anchor ?? "value");
    const params = v.params as MessageParams<MessageId>;
    return createDiagnostic(ruleIsMessage(v.rule), at, params, v.hint);
  });
}
