/**
 * Cross-field rules of a validated spec: what zod's per-field schemas cannot say alone
 * ("train needs register", "serve's API must fit the task", "Neuron batch sizes must be
 * consistent with serve batching"). Each rule yields a violation pointing at the offending
 * node by path; the compiler turns it into a positioned diagnostic through its registry.
 *
 * Pure data in, data out: no zod, no compiler imports. Defaults the rules depend on are
 * passed in by the caller (they live in `compiler/lower/defaults.ts`).
 */
import { LIFECYCLE_STEPS } from "../runtimes/lifecycle/config.js";
import type { ProjectKindSpec, ProjectSpec, ServeSpec } from "./project.js";
import { checkExamples, declaredAttributes, declaredResponse, type DeclaredField } from "./rules/examples.js";
import { checkNeuronBatching } from "./rules/neuron.js";
import { checkNeuronShape } from "./rules/neuron-shape.js";
import { checkPretrainedGates } from "./rules/pretrained.js";
import { checkRegister } from "./rules/register.js";
import { checkAutoscale, checkRelease, checkSchedule } from "./rules/scale.js";
import { checkServeApi } from "./rules/serve-api.js";
import { checkRowsFitQueue } from "./rules/serve-limits.js";
import { checkTransformer, transformerTaskOf } from "./rules/transformer.js";
import type { RuleContext, RuleViolation } from "./rules/types.js";

export type { AppInput, RuleContext, RuleDefaults, RuleId, RuleViolation } from "./rules/types.js";

/**
 * One cross-field rule: a pure check of the spec. Listed one by one so the compiler can run
 * each on a spec whose invalid parts were removed and keep a rule's findings only when the rule
 * read nothing that was removed (compiler/validate/salvage.ts).
 */
export interface ProjectRule {
  readonly name: string;
  readonly check: (spec: ProjectSpec, ctx: RuleContext) => RuleViolation[];
}

const serveOf = (spec: ProjectSpec): ServeSpec => spec.steps.serve ?? {};

export const PROJECT_RULES: readonly ProjectRule[] = [
  {
    name: "steps",
    check: (spec) => {
      if (spec.kind === "Project") return stepOrder(spec);
      const steps = spec.steps as Record<string, unknown>;
      return LIFECYCLE_STEPS.filter((step) => steps[step] !== undefined).map((step) => v("app-no-lifecycle", ["steps", step], { step }, "key"));
    },
  },
  { name: "register", check: (spec, ctx) => (spec.kind === "Project" ? checkRegister(spec, ctx.defaults) : []) },
  { name: "neuron-batching", check: (spec, ctx) => (spec.kind === "Project" ? checkNeuronBatching(spec, ctx.defaults) : []) },
  { name: "neuron-shape", check: (spec) => (spec.kind === "Project" ? checkNeuronShape(spec) : []) },
  { name: "transformer", check: (spec, ctx) => checkTransformer(spec, ctx) },
  { name: "schedule", check: (spec) => checkSchedule(spec) },
  { name: "release", check: (spec) => checkRelease(spec) },
  { name: "autoscale", check: (spec) => checkAutoscale(spec) },
  { name: "pretrained-gates", check: (spec) => checkPretrainedGates(spec) },
  { name: "serve-api", check: (spec, ctx) => checkServeApi(spec, serveOf(spec), ctx) },
  { name: "rows-over-queue", check: (spec, ctx) => checkRowsFitQueue(spec, ctx.defaults) },
  {
    name: "examples",
    check: (spec, ctx) => {
      const serve = serveOf(spec);
      const attributes: DeclaredField[] = declaredAttributes(spec, serve, ctx);
      return checkExamples(spec, serve, attributes, declaredResponse(spec, serve, ctx), ctx);
    },
  },
];

/** Every cross-field violation of one spec, in the order of PROJECT_RULES. */
export function projectRules(spec: ProjectSpec, ctx: RuleContext): RuleViolation[] {
  return PROJECT_RULES.flatMap((rule) => rule.check(spec, ctx));
}

/** compile needs train, train needs register, register needs ingest; a Project trains its model. */
function stepOrder(spec: ProjectKindSpec): RuleViolation[] {
  const s = spec.steps;
  const out: RuleViolation[] = [];
  const need = (step: string, needs: string, why: string) => v("step-requires", ["steps", step], { step, needs, why }, "key");
  if (s.compile && !s.train) out.push(need("compile", "train", "it compiles the trained model"));
  if (s.train && !s.register && s.train.trainer !== "pretrained") out.push(need("train", "register", "it trains on a registered dataset"));
  if (s.register && !s.ingest) out.push(need("register", "ingest", "it registers an ingested dataset"));
  if (!s.train) {
    out.push({
      rule: "step-requires",
      path: ["steps"],
      anchor: "key",
      params: { step: "serve", needs: "train", why: "a Project serves the model it trains" },
      hint: "to serve an externally maintained model, use kind: App",
    });
  }
  return out;
}

export { transformerTaskOf };

/** The spec files of a workspace, validated (at least their name and key), for the workspace-wide rules. */
export interface WorkspaceEntry {
  readonly file: string;
  readonly spec: Pick<ProjectSpec, "name" | "key">;
}

/** Names and registry keys unique across the workspace; the project folder named after `name`. */
export function workspaceRules(entries: readonly WorkspaceEntry[]): (RuleViolation & { readonly file: string })[] {
  const out: (RuleViolation & { file: string })[] = [];
  const firstByName = new Map<string, string>();
  const firstByKey = new Map<string, string>();
  for (const { file, spec } of entries) {
    const otherName = firstByName.get(spec.name);
    if (otherName !== undefined) out.push({ file, ...v("duplicate-name", ["name"], { name: spec.name, other: otherName }) });
    else firstByName.set(spec.name, file);
    const otherKey = firstByKey.get(spec.key);
    if (otherKey !== undefined) out.push({ file, ...v("duplicate-registry-key", ["key"], { key: spec.key, other: otherKey }) });
    else firstByKey.set(spec.key, file);
    const parts = file.split("/");
    const folder = parts.at(-2);
    if (parts.at(-1) === "project.yaml" && folder !== undefined && folder !== spec.name) {
      out.push({ file, ...v("folder-name", ["name"], { name: spec.name, folder }, "value", `rename the folder to ${spec.name}/ or set name: ${folder}`) });
    }
  }
  return out;
}

function v(rule: RuleViolation["rule"], path: RuleViolation["path"], params: RuleViolation["params"], anchor: "key" | "value" = "value", hint?: string): RuleViolation {
  return { rule, path, params, anchor, ...(hint ? { hint } : {}) };
}
