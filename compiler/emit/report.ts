/**
 * How a plan is shown: one line per changed file (`create out/spam/Makefile`), one summary line
 * per project, or one JSON document for programs. Paths are workspace-relative and sorted, so
 * the printout is as deterministic as the output it describes.
 */
import type { Action, ProjectPlan } from "../plan/plan.js";

export type Counts = Record<Action, number>;

export function countActions(plan: ProjectPlan): Counts {
  const counts: Counts = { create: 0, update: 0, delete: 0, unchanged: 0 };
  for (const f of plan.files) counts[f.action]++;
  return counts;
}

/**
 * `out/spam: 3 created, 1 updated, 0 deleted, 12 unchanged`, or for a plan not applied
 * (`--dry-run`, `--check`) `out/spam: 3 to create, 1 to update, 0 to delete, 12 unchanged`.
 */
export function summaryLine(plan: ProjectPlan, applied = true): string {
  const c = countActions(plan);
  const [cr, up, de] = applied ? ["created", "updated", "deleted"] : ["to create", "to update", "to delete"];
  return `${plan.dir}: ${c.create} ${cr}, ${c.update} ${up}, ${c.delete} ${de}, ${c.unchanged} unchanged`;
}

/** One line per file that would change, e.g. `update out/spam/Makefile (mode)`; unchanged files only with `all`. */
export function planLines(plans: readonly ProjectPlan[], all = false): string[] {
  const lines: string[] = [];
  for (const plan of plans) {
    for (const f of plan.files) {
      if (f.action === "unchanged" && !all) continue;
      const why = f.reason && f.reason !== "contents" ? ` (${f.reason})` : "";
      lines.push(`${f.action} ${f.target}${why}`);
    }
  }
  return lines;
}

/** The plan as data: `{ changed, projects: [{ name, dir, counts, files: [{ path, action, reason? }] }] }`. */
export function planJson(plans: readonly ProjectPlan[], changed: boolean, wrote: boolean): object {
  return {
    changed,
    wrote,
    projects: plans.map((p) => ({
      name: p.name,
      dir: p.dir,
      counts: countActions(p),
      files: p.files.map((f) => ({ path: f.target, action: f.action, ...(f.reason ? { reason: f.reason } : {}) })),
    })),
  };
}
