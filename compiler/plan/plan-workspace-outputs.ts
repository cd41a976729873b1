/**
 * Workspace-level outputs (`out/ci/`): generated from every project's IR at once, planned and
 * written under the same rules as a project's folder (its own manifest, orphan deletion, path
 * and link refusal). Always from the whole workspace — a run over some specs plans them from
 * every spec too (compiler/generate/generate-workspace.ts), or a workflow would forget the others.
 */
import { canonicalJson, sha256Hex } from "../../generators/support/canonical-json.js";
import type { Host } from "../host.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import type { GeneratedFile, ProjectIR } from "../ir.js";
import { planDiagnostic } from "./codes.js";
import { planProject, type PlanOwner, type ProjectPlan } from "./plan.js";
import { canonicalIr } from "./cache.js";

export type WorkspaceGenerateFn = (irs: readonly ProjectIR[]) => readonly GeneratedFile[];

/** Where a workspace output comes from: mesh.yaml and every spec, hashed together. */
export function workspaceOwner(folder: string, irs: readonly ProjectIR[], meshVersion: string): PlanOwner {
  const specs = irs.map((ir) => [ir.specPath, ir.specHash]).sort();
  return { name: folder, specPath: "mesh.yaml", meshVersion, specHash: sha256Hex(canonicalJson(specs)) };
}

/** The cache key of a workspace output: the code and every project's IR. */
export function workspaceKey(fingerprint: string, folder: string, irs: readonly ProjectIR[]): string {
  const parts = irs.map(canonicalIr).sort();
  return sha256Hex(`${fingerprint}\nworkspace:${folder}\n${parts.join("\n")}`);
}

export interface WorkspaceOutputsResult {
  readonly plans: readonly ProjectPlan[];
  readonly diagnostics: readonly Diagnostic[];
  /** Cache units (folder name + key), recorded beside the projects'. */
  readonly units: readonly { readonly name: string; readonly key: string }[];
}

/**
 * Plans every workspace output. `generators` resolves the registry lazily, only when some
 * output is not vouched for by the cache (`cachedPlan`).
 */
export async function planWorkspaceOutputs(
  host: Host,
  irs: readonly ProjectIR[],
  outDir: string,
  folders: readonly string[],
  generators: () => Promise<Readonly<Record<string, WorkspaceGenerateFn>>>,
  meshVersion: string,
  keyOf: (folder: string) => string | undefined,
  cachedPlan: (folder: string, key: string) => ProjectPlan | undefined,
): Promise<WorkspaceOutputsResult> {
  const plans: ProjectPlan[] = [];
  const diagnostics: Diagnostic[] = [];
  const units: { name: string; key: string }[] = [];
  for (const folder of folders) {
    const key = keyOf(folder);
    if (key !== undefined) units.push({ name: folder, key });
    const cached = key !== undefined ? cachedPlan(folder, key) : undefined;
    if (cached) {
      plans.push(cached);
      continue;
    }
    const generate = (await generators())[folder];
    if (!generate) throw new Error(`internal: no workspace generator for ${folder}`);
    const owner = workspaceOwner(folder, irs, meshVersion);
    let files: readonly GeneratedFile[];
    try {
      files = generate(irs);
    } catch (err) {
      diagnostics.push(planDiagnostic("generator-failed", owner.specPath, { message: err instanceof Error ? err.message : String(err) }, "this is a bug in mesh; please report it with the spec"));
      continue;
    }
    const result = planProject(host, owner, files, outDir);
    diagnostics.push(...result.diagnostics);
    if (result.plan) plans.push(result.plan);
  }
  return { plans, diagnostics, units };
}
