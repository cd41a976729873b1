/**
 * One spec file through the front half: its path (schemas/identifiers.ts) → load (YAML with
 * positions) → validate (zod) → the model's facts (an App's signature, a transformer's lock) →
 * cross-field rules. Returns the typed spec only when nothing is wrong, with every problem found
 * at once otherwise — rules included when the schema refused parts of the spec (salvage.ts).
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
import { specPathProblem } from "../../schemas/identifiers.js";
import { PROJECT_RULES, type AppInput, type RuleContext } from "../../schemas/project-rules.js";
import { salvageSpec, watchReads } from "./salvage.js";
import { validateLoaded } from "./validate.js";
import { RULE_DEFAULTS, ruleDiagnostics } from "./apply-rules.js";
import { LIFECYCLE_STEPS } from "../../runtimes/lifecycle/config.js";

export interface CheckedSpec {
  readonly file: string;
  readonly loaded: LoadedYaml;
  readonly spec: ProjectSpec;
  /** App only: the model's signature, read from its ONNX file. */
  readonly appSignature?: ModelSignature;
  /** Transformer models: the locked model folder. */
  readonly transformer?: LockedTransformer;
}

const LIFECYCLE = new Set<string>(LIFECYCLE_STEPS);
/** A reader's answer that depended on a part of the spec the schema refused. */
const UNTRUSTED: unique symbol = Symbol("untrusted");

/** What the workspace-wide rules need of a spec that did not validate as a whole. */
export interface SpecIdentity {
  readonly file: string;
  readonly loaded: LoadedYaml;
  readonly name: string;
  readonly key: string;
}

export interface CheckResult extends Result<CheckedSpec> {
  /** When the spec has errors but its name and key are valid: for the workspace-wide rules. */
  readonly identity?: SpecIdentity;
}

/**
 * Loads, validates and rule-checks the spec at `file` (workspace-relative). Every problem is
 * reported at once where the spec can be read: when the schema refuses parts of it, the model
 * and the cross-field rules still run on the rest (compiler/validate/salvage.ts), and a finding
 * is kept only when it did not depend on a refused part.
 */
export function checkSpec(host: Host, file: string): CheckResult {
  const pathProblem = specPathProblem(file);
  const pathDiagnostics = pathProblem
    ? [createDiagnostic("spec-path", { file, line: 1, column: 1, path: "" }, { problem: pathProblem }, "rename the folder or file to plain letters, digits, '.', '_' and '-'")]
    : [];
  const loaded = loadYaml(host, file);
  if (!loaded.value) return { diagnostics: [...pathDiagnostics, ...loaded.diagnostics] };
  const doc = loaded.value;
  const validated = validateLoaded(doc, projectSpecSchema, {
    // "unknown key ingest" is true but unhelpful for an App: say what an App is instead.
    unknownKey: (path, key) =>
      path.length === 1 && path[0] === "steps" && doc.value.kind === "App" && LIFECYCLE.has(key) ? createDiagnostic("app-no-lifecycle", locate(doc, ["steps", key], "key"), { step: key }) : undefined,
  });
  const diagnostics: Diagnostic[] = [...pathDiagnostics, ...loaded.diagnostics, ...validated.diagnostics];
  const salvaged = validated.value === undefined && validated.issues ? salvageSpec(doc.value, projectSpecSchema, validated.issues) : undefined;
  const spec = validated.value ?? salvaged?.value;
  if (!spec) return { diagnostics };
  // On a salvaged spec, a reader's answer counts only when it read nothing that was removed.
  const trusted = <R>(read: (spec: ProjectSpec) => R): R | typeof UNTRUSTED => {
    if (!salvaged) return read(spec);
    const view = watchReads(salvaged);
    try {
      const answer = read(view.value);
      return view.touched() ? UNTRUSTED : answer;
    } catch {
      return UNTRUSTED;
    }
  };

  // The model: a transformer's lock or an App's ONNX signature, facts the rules check against.
  let appSignature: ModelSignature | undefined;
  let transformer: LockedTransformer | undefined;
  let factsKnown = true;
  const task = trusted(transformerTaskOf);
  if (task === UNTRUSTED) factsKnown = false;
  else if (task) {
    const locked = trusted((s) => loadTransformerLock(host, doc, s, task));
    if (locked !== UNTRUSTED) diagnostics.push(...locked.diagnostics);
    transformer = locked === UNTRUSTED ? undefined : locked.value;
    factsKnown = transformer !== undefined;
  } else if (spec.kind === "App") {
    const sig = trusted((s) => (s.kind === "App" ? loadAppSignature(host, doc, s) : undefined));
    if (sig !== UNTRUSTED && sig) diagnostics.push(...sig.diagnostics);
    appSignature = sig === UNTRUSTED ? undefined : sig?.value;
    factsKnown = appSignature !== undefined;
  }
  const appInputs: AppInput[] | undefined = appSignature?.inputs.map((t) => ({ name: t.name, length: rowLength(t.shape) }));
  const appOutputs = appSignature?.outputs.map((t) => t.name);
  const ctx: RuleContext = {
    defaults: RULE_DEFAULTS,
    ...(appInputs ? { appInputs } : {}),
    ...(appOutputs ? { appOutputs } : {}),
    ...(transformer ? { transformerLabels: transformer.facts.labels } : {}),
  };
  for (const rule of PROJECT_RULES) {
    // A rule that asks for model facts mesh could not read would judge against nothing.
    const facts = watchFacts(ctx, factsKnown);
    const violations = trusted((s) => rule.check(s, facts.ctx));
    if (violations !== UNTRUSTED && !facts.touched()) diagnostics.push(...ruleDiagnostics(doc, violations));
  }
  if (hasErrors(diagnostics) || !validated.value) {
    // The workspace-wide rules (unique names and keys, folder = name) still apply to this spec.
    const identityTrusted = !salvaged || !salvaged.removed.some((p) => p.length === 1 && (p[0] === "name" || p[0] === "key"));
    return { diagnostics, ...(identityTrusted ? { identity: { file, loaded: doc, name: spec.name, key: spec.key } } : {}) };
  }
  return { value: { file, loaded: doc, spec, ...(appSignature ? { appSignature } : {}), ...(transformer ? { transformer } : {}) }, diagnostics };
}

/** The rule context, noting whether a rule read the model facts when they are unknown. */
function watchFacts(ctx: RuleContext, known: boolean): { readonly ctx: RuleContext; touched(): boolean } {
  if (known) return { ctx, touched: () => false };
  let touched = false;
  const FACTS = new Set<PropertyKey>(["appInputs", "appOutputs", "transformerLabels"]);
  const view = new Proxy(ctx, {
    get(t, prop, receiver) {
      if (FACTS.has(prop)) touched = true;
      return Reflect.get(t, prop, receiver);
    },
  });
  return { ctx: view, touched: () => touched };
}

/** Numbers in one row of a tensor (all dimensions after the batch one); 0 when dynamic. */
function rowLength(shape: readonly number[]): number {
  const row = shape.slice(1);
  return row.some((d) => d < 0) ? 0 : row.reduce((a, b) => a * b, 1);
}
