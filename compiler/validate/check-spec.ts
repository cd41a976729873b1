/**
 * One spec file through the front half: load (YAML with positions) → validate (zod) →
 * the App model's signature (App only) → cross-field rules. Returns the typed spec only
 * when nothing is wrong, with every problem found at once otherwise.
 */
import type { Host } from "../host.js";
import type { Diagnostic, Result } from "../diagnostics/diagnostic.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { createDiagnostic } from "../diagnostics/registry.js";
import { loadYaml, type LoadedYaml } from "../load/load-yaml.js";
import { locate } from "../load/locate.js";
import { loadAppSignature } from "../load/app-model.js";
import { loadTransformerLock } from "../load/transformer-model.js";
import type { LockedTransformer } from "../lower/lower.js";
import { transformerTaskOf } from "../../schemas/rules/transformer.js";
import type { ModelSignature } from "../../runtimes/support/onnx-signature.js";
import { projectSpecSchema, type ProjectSpec } from "../../schemas/project.js";
import { projectRules, type AppInput } from "../../schemas/project-rules.js";
import { validateLoaded } from "./validate.js";
import { RULE_DEFAULTS, ruleDiagnostics } from "./apply-rules.js";

export interface CheckedSpec {
  readonly file: string;
  readonly loaded: LoadedYaml;
  readonly spec: ProjectSpec;
  /** App only: the model's signature, read from its ONNX file. */
  readonly appSignature?: ModelSignature;
  /** Transformer models: the locked model folder. */
  readonly transformer?: LockedTransformer;
}

const LIFECYCLE = new Set(["ingest", "register", "train", "compile"]);

/** Loads, validates and rule-checks the spec at `file` (workspace-relative). */
export function checkSpec(host: Host, file: string): Result<CheckedSpec> {
  const loaded = loadYaml(host, file);
  if (!loaded.value) return { diagnostics: loaded.diagnostics };
  const doc = loaded.value;
  const validated = validateLoaded(doc, projectSpecSchema, {
    // "unknown key ingest" is true but unhelpful for an App: say what an App is instead.
    unknownKey: (path, key) =>
      path.length === 1 && path[0] === "steps" && doc.value.kind === "App" && LIFECYCLE.has(key)
        ? createDiagnostic("app-no-lifecycle", locate(doc, ["steps", key], "key"), { step: key })
        : undefined,
  });
  const diagnostics: Diagnostic[] = [...loaded.diagnostics, ...validated.diagnostics];
  if (!validated.value) return { diagnostics };
  const spec = validated.value;

  let appSignature: ModelSignature | undefined;
  let transformer: LockedTransformer | undefined;
  const task = transformerTaskOf(spec);
  if (task) {
    const locked = loadTransformerLock(host, doc, spec, task);
    diagnostics.push(...locked.diagnostics);
    transformer = locked.value;
  } else if (spec.kind === "App") {
    const sig = loadAppSignature(host, doc, spec);
    diagnostics.push(...sig.diagnostics);
    appSignature = sig.value;
  }
  const appInputs: AppInput[] | undefined = appSignature?.inputs.map((t) => ({ name: t.name, length: rowLength(t.shape) }));
  const appOutputs = appSignature?.outputs.map((t) => t.name);
  const violations = projectRules(spec, {
    defaults: RULE_DEFAULTS,
    ...(appInputs ? { appInputs } : {}),
    ...(appOutputs ? { appOutputs } : {}),
    ...(transformer ? { transformerLabels: transformer.facts.labels } : {}),
  });
  diagnostics.push(...ruleDiagnostics(doc, violations));
  if (hasErrors(diagnostics)) return { diagnostics };
  return { value: { file, loaded: doc, spec, ...(appSignature ? { appSignature } : {}), ...(transformer ? { transformer } : {}) }, diagnostics };
}

/** Numbers in one row of a tensor (all dimensions after the batch one); 0 when dynamic. */
function rowLength(shape: readonly number[]): number {
  const row = shape.slice(1);
  return row.some((d) => d < 0) ? 0 : row.reduce((a, b) => a * b, 1);
}
