/**
 * Quality gates from the spec.
 *
 * - Absolute gates (`accuracy: ">= 0.95"`): every one must hold, or the step fails and
 *   registers nothing.
 * - Relative gates (`accuracy: ">= production - 0.01"`): compared with the same metric of the
 *   version the alias points at now (a compiled target is read through its trained parent,
 *   whose card holds the held-out metrics). A miss does not fail the step: the version is
 *   registered (so it can be inspected and compared) but the run does not promote it.
 *   When the alias is not set yet (the first run) there is nothing to compare with: the gate
 *   is reported as "no baseline" and does not block promotion, so a first run can set it.
 */
import { modelId, parseModelId, type MeshRegistry, type ModelCard, type ModelRef, type Registry } from "../registry/types.js";
import type { Metrics } from "./metrics.js";
import type { GateConfig, Metric } from "./types.js";

/** compile.validate's relative gates read a compiled version's validation figures. */
export type CompileGateMetric = "max_abs_diff" | "label_agreement";
export interface CompileGateConfig {
  readonly metric: CompileGateMetric;
  readonly op: GateConfig["op"];
  readonly value: number;
  readonly alias: string;
}
const VALIDATION_FIELD: Readonly<Record<CompileGateMetric, string>> = { max_abs_diff: "maxAbsDiff", label_agreement: "labelAgreement" };

/** A compiled card's validation figure (`metrics.validation`), under the gate's metric name. */
export function validationMetrics(card: ModelCard): Record<string, unknown> {
  const v = card.metrics["validation"];
  const figures = v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  return Object.fromEntries(Object.entries(VALIDATION_FIELD).map(([metric, field]) => [metric, figures[field]]));
}

const HOLDS = { ">=": (a: number, b: number) => a >= b, "<=": (a: number, b: number) => a <= b, ">": (a: number, b: number) => a > b, "<": (a: number, b: number) => a < b };

const isRelative = (g: GateConfig): g is GateConfig & { alias: string } => typeof g.alias === "string";

/** Messages for the absolute gates that were missed, each with the real figure; [] when all hold. */
export function missedGates(gates: readonly GateConfig[], m: Metrics): string[] {
  return gates
    .filter((g) => !isRelative(g) && !HOLDS[g.op](m[g.metric], g.value))
    .map((g) => `gate ${g.metric} ${g.op} ${g.value} missed: ${g.metric} is ${m[g.metric].toFixed(4)} on ${m.rows} held-out rows`);
}

/** The outcome of one relative gate, as `mesh run` prints it and promotion reads it. */
export interface RelativeGateResult {
  readonly metric: Metric | CompileGateMetric;
  readonly op: GateConfig["op"];
  readonly alias: string;
  readonly offset: number;
  readonly ours: number;
  /** Absent when the alias is not set yet, or its version has no such metric. */
  readonly against?: string;
  readonly theirs?: number;
  readonly threshold?: number;
  /** pass | fail | no-baseline (alias unset: nothing to compare with, does not block) | no-metric (blocks). */
  readonly status: "pass" | "fail" | "no-baseline" | "no-metric";
}

const fmt = (n: number) => n.toFixed(4);
const operand = (r: RelativeGateResult) => (r.offset === 0 ? r.alias : `${r.alias} ${r.offset < 0 ? "-" : "+"} ${Math.abs(r.offset)}`);

/** One line per gate: ours vs the alias's, the threshold, pass/fail. */
export function describeRelativeGate(r: RelativeGateResult): string {
  const head = `gate ${r.metric} ${r.op} ${operand(r)}`;
  switch (r.status) {
    case "no-baseline":
      return `${head}: alias ${r.alias} is not set yet, nothing to compare with (ours ${fmt(r.ours)}); not blocking`;
    case "no-metric":
      return `${head}: ${r.against} (${r.alias}) records no ${r.metric}; cannot compare, so not promoting`;
    default:
      return `${head}: ours ${fmt(r.ours)} vs ${r.alias} ${r.against} ${fmt(r.theirs!)} → threshold ${fmt(r.threshold!)}: ${r.status === "pass" ? "passed" : "MISSED"}`;
  }
}

/** The held-out metrics of a version: its own card's, or (compiled) its trained parent's. */
async function metricsOf(registry: Registry, ref: ModelRef): Promise<Readonly<Record<string, unknown>>> {
  const card: ModelCard = await registry.readModelCard(ref);
  if (card.type === "compiled" && card.parent) {
    const parent = parseModelId(card.parent);
    if (parent?.stage === "TRAINED") return (await registry.readModelCard({ project: ref.project, ...parent })).metrics;
  }
  return card.metrics;
}

/**
 * Evaluates the relative gates against the aliases' current targets. `theirs` reads the
 * figures of the alias's version: by default its held-out metrics (train.gates); compile
 * gates pass `validationMetrics` of the alias's own (compiled) card.
 */
export async function checkRelativeGates(
  gates: readonly (GateConfig | CompileGateConfig)[],
  ours: Readonly<Record<string, unknown>>,
  registry: Registry,
  project: string,
  theirsOf: (registry: Registry, ref: ModelRef) => Promise<Readonly<Record<string, unknown>>> = metricsOf,
): Promise<RelativeGateResult[]> {
  const relative = gates.filter((g): g is (GateConfig | CompileGateConfig) & { alias: string } => typeof g.alias === "string");
  if (relative.length === 0) return [];
  const resolve = (registry as Partial<MeshRegistry>).resolveAlias;
  if (typeof resolve !== "function") throw new Error(`relative gates need a registry with aliases (${registry.uri} has none)`);
  const results: RelativeGateResult[] = [];
  for (const g of relative) {
    const value = ours[g.metric];
    const mine = typeof value === "number" ? value : Number.NaN;
    const base = { metric: g.metric, op: g.op, alias: g.alias, offset: g.value, ours: mine };
    const target = await resolve.call(registry, project, g.alias);
    if (!target) {
      results.push({ ...base, status: "no-baseline" });
      continue;
    }
    const theirs = (await theirsOf(registry, target))[g.metric];
    const against = modelId(target);
    if (typeof theirs !== "number" || !Number.isFinite(theirs)) {
      results.push({ ...base, against, status: "no-metric" });
      continue;
    }
    // Rounded to 12 digits so "0.95 >= 0.96 - 0.01" is not lost to binary fractions.
    const threshold = Math.round((theirs + g.value) * 1e12) / 1e12;
    results.push({ ...base, against, theirs, threshold, status: HOLDS[g.op](mine, threshold) ? "pass" : "fail" });
  }
  return results;
}

/** True when no relative gate blocks promotion. */
export const relativeGatesAllow = (results: readonly RelativeGateResult[]) => results.every((r) => r.status === "pass" || r.status === "no-baseline");
