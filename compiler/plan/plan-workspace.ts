/**
 * Plans every project of a compiled workspace at once, so emit can be all-or-nothing: one
 * failing project (a generator bug, an unsafe path, a damaged manifest) means no plans at all.
 */
import type { Host } from "../host.js";
import type { Diagnostic, Result } from "../diagnostics/diagnostic.js";
import type { GeneratedFile, ProjectIR } from "../ir.js";
import { planDiagnostic } from "./codes.js";
import { planProject, type ProjectPlan } from "./plan.js";

export type GenerateFn = (ir: ProjectIR) => readonly GeneratedFile[];

/**
 * Plans each project under `outDir`; returns plans only when no project has an error.
 * `cached` may supply a project's plan from the generate cache, so its generators never run.
 */
export function planWorkspace(
  host: Host,
  irs: readonly ProjectIR[],
  outDir: string,
  generate: GenerateFn,
  cached: (ir: ProjectIR) => ProjectPlan | undefined = () => undefined,
): Result<ProjectPlan[]> {
  const diagnostics: Diagnostic[] = [];
  const plans: ProjectPlan[] = [];
  const owners = new Map<string, string>();
  for (const ir of irs) {
    const other = owners.get(ir.name);
    if (other !== undefined) {
      diagnostics.push(planDiagnostic("generated-path-conflict", ir.specPath, { message: `project name "${ir.name}" is also used by ${other}; both would write ${outDir}/${ir.name}/` }));
      continue;
    }
    owners.set(ir.name, ir.specPath);
    const fromCache = cached(ir);
    if (fromCache) {
      plans.push(fromCache);
      continue;
    }
    let files: readonly GeneratedFile[];
    try {
      files = generate(ir);
    } catch (err) {
      diagnostics.push(planDiagnostic("generator-failed", ir.specPath, { message: err instanceof Error ? err.message : String(err) }, "this is a bug in mesh; please report it with the spec"));
      continue;
    }
    const result = planProject(host, ir, files, outDir);
    diagnostics.push(...result.diagnostics);
    if (result.plan) plans.push(result.plan);
  }
  return diagnostics.some((d) => d.severity === "error") ? { diagnostics } : { value: plans, diagnostics };
}
