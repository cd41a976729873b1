/**
 * Rules of the cluster settings: the lifecycle's schedule is a cron expression Argo accepts,
 * canary steps rise, a canary's steps need the canary strategy, and the autoscaler's upper
 * bound is not below any replica count the spec asks for.
 */
import type { ProjectSpec } from "../project.js";
import { cronProblem } from "./cron.js";
import type { RuleViolation } from "./types.js";

export function checkSchedule(spec: ProjectSpec): RuleViolation[] {
  if (spec.kind !== "Project" || spec.schedule === undefined) return [];
  const problem = cronProblem(spec.schedule);
  return problem ? [{ rule: "cron-schedule", path: ["schedule"], params: { value: spec.schedule, problem }, hint: 'e.g. "0 3 * * *" (every day at 03:00 UTC) or @daily' }] : [];
}

export function checkRelease(spec: ProjectSpec): RuleViolation[] {
  const release = spec.steps.serve?.release;
  if (!release?.steps) return [];
  const out: RuleViolation[] = [];
  if ((release.strategy ?? "rolling") !== "canary") {
    out.push({
      rule: "release-steps",
      path: ["steps", "serve", "release", "steps"],
      anchor: "key",
      params: { message: "release.steps are canary steps, but the strategy is rolling" },
      hint: "add strategy: canary, or remove steps",
    });
  }
  release.steps.forEach((s, i) => {
    const before = release.steps![i - 1];
    if (before && s.weight <= before.weight) {
      out.push({
        rule: "release-steps",
        path: ["steps", "serve", "release", "steps", i, "weight"],
        params: { message: `canary weights must rise step by step: ${s.weight} follows ${before.weight}` },
      });
    }
  });
  return out;
}

export function checkAutoscale(spec: ProjectSpec): RuleViolation[] {
  const max = spec.steps.serve?.autoscale?.max_replicas;
  if (max === undefined) return [];
  const asks: { replicas: number; where: string; path: (string | number)[] }[] = [];
  const base = spec.steps.serve?.replicas;
  if (base !== undefined) asks.push({ replicas: base, where: "serve.replicas", path: ["steps", "serve", "replicas"] });
  for (const [env, o] of Object.entries(spec.environments ?? {})) {
    const r = o?.serve?.replicas;
    if (r !== undefined) asks.push({ replicas: r, where: `environments.${env}.serve.replicas`, path: ["environments", env, "serve", "replicas"] });
  }
  return asks
    .filter((a) => a.replicas > max)
    .map((a) => ({
      rule: "autoscale-bounds" as const,
      path: ["steps", "serve", "autoscale", "max_replicas"],
      params: { message: `max_replicas ${max} is below ${a.where} ${a.replicas}, the autoscaler's lower bound` },
      hint: `use max_replicas: ${a.replicas} or more`,
    }));
}
