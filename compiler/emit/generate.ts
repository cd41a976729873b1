/**
 * The whole of `mesh generate` below the CLI: compile every spec, plan every project, and only
 * if all of that is clean, apply (or, for `--check` / `--dry-run`, just report). Nothing is
 * written when any spec is invalid or any plan has an error — no project's output changes.
 */
import type { Host } from "../host.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { compileWorkspace } from "../pipeline.js";
import { generateProject } from "../../generators/index.js";
import { planWorkspace, type GenerateFn } from "../plan/plan-workspace.js";
import type { ProjectPlan } from "../plan/plan.js";
import { applyPlans } from "./apply.js";

export type GenerateMode = "write" | "check" | "dry-run";

export interface GenerateOptions {
  /** Spec paths relative to the workspace root; default: every project of the workspace. */
  readonly specPaths?: readonly string[];
  /** Workspace-relative output root, already checked to lie inside the workspace (e.g. `out`). */
  readonly outDir: string;
  readonly mode: GenerateMode;
  /** Tests substitute generators here; default: the registry in generators/index.ts. */
  readonly generate?: GenerateFn;
}

export interface GenerateOutcome {
  /** Present when every spec compiled and every project planned cleanly. */
  readonly plans?: readonly ProjectPlan[];
  readonly diagnostics: readonly Diagnostic[];
  /** True when the plans create, update or delete anything. */
  readonly changed: boolean;
  /** True when changes were written (mode "write" and no write failure). */
  readonly wrote: boolean;
}

export async function generateWorkspace(host: Host, options: GenerateOptions): Promise<GenerateOutcome> {
  const compiled = await compileWorkspace(host, {
    ...(options.specPaths ? { specPaths: options.specPaths } : {}),
    outDir: options.outDir,
  });
  if (!compiled.value || hasErrors(compiled.diagnostics)) return { diagnostics: compiled.diagnostics, changed: false, wrote: false };

  const planned = planWorkspace(host, compiled.value, options.outDir, options.generate ?? generateProject);
  const diagnostics = [...compiled.diagnostics, ...planned.diagnostics];
  if (!planned.value) return { diagnostics, changed: false, wrote: false };

  const plans = planned.value;
  const changed = plans.some((p) => p.files.some((f) => f.action !== "unchanged"));
  if (options.mode !== "write" || !changed) return { plans, diagnostics, changed, wrote: false };

  const applied = applyPlans(host, plans);
  if (applied.diagnostics.length > 0) return { diagnostics: [...diagnostics, ...applied.diagnostics], changed, wrote: false };
  return { plans, diagnostics, changed, wrote: true };
}
