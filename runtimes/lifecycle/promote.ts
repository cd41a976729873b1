/**
 * The end of `mesh run` when the spec names `train.promote: ALIAS`: point the alias at the
 * run's new servable version — the newest ONNX compiled child of the trained version (what
 * `mesh serve` can load), else the trained version itself — when every gate passed. Absolute
 * gates already failed the run if missed; relative gates decide here. The change goes into the
 * alias history with the reason "gates passed: …", so the audit trail says why it moved.
 */
import { userInfo } from "node:os";
import type { MeshRegistry, ModelCard, ModelRef, Registry } from "../registry/types.js";
import { modelId } from "../registry/types.js";
import { describeRelativeGate, relativeGatesAllow, type RelativeGateResult } from "../train/gates.js";
import type { GateConfig } from "../train/types.js";

export interface PromoteInput {
  readonly alias: string;
  readonly project: string;
  readonly registry: Registry;
  readonly gates: readonly GateConfig[];
  readonly trained: { readonly ref: ModelRef; readonly card: ModelCard };
  /** Versions this run compiled (or reused), in target order. */
  readonly compiled: readonly { readonly ref: ModelRef; readonly card: ModelCard }[];
  readonly relative: readonly RelativeGateResult[];
}

export type PromoteOutcome = { readonly status: "promoted" | "unchanged" | "held"; readonly detail: string };

const who = () => {
  try {
    return `mesh run (${userInfo().username})`;
  } catch {
    return "mesh run";
  }
};

function absoluteText(gates: readonly GateConfig[], metrics: Readonly<Record<string, unknown>>): string[] {
  return gates.filter((g) => g.alias === undefined).map((g) => `${g.metric} ${typeof metrics[g.metric] === "number" ? (metrics[g.metric] as number).toFixed(4) : "?"} ${g.op} ${g.value}`);
}

export async function promoteIfGatesPass(input: PromoteInput): Promise<PromoteOutcome> {
  const reg = input.registry as Partial<MeshRegistry>;
  if (typeof reg.setAlias !== "function" || typeof reg.resolveAlias !== "function") {
    return { status: "held", detail: `${input.registry.uri} does not support aliases; ${input.alias} not set` };
  }
  const target = [...input.compiled].find((c) => Object.hasOwn(c.card.files, "model.onnx")) ?? (Object.hasOwn(input.trained.card.files, "model.onnx") ? input.trained : undefined);
  if (!target) return { status: "held", detail: `no version of this run holds model.onnx, so ${input.alias} is left as it is` };
  const id = modelId(target.ref);
  if (!relativeGatesAllow(input.relative)) {
    const missed = input.relative.filter((r) => r.status === "fail" || r.status === "no-metric").map(describeRelativeGate);
    return { status: "held", detail: `${id} registered but not promoted to ${input.alias}: ${missed.join("; ")}` };
  }
  const current = await reg.resolveAlias.call(input.registry, input.project, input.alias);
  if (current && modelId(current) === id) return { status: "unchanged", detail: `${input.alias} already points at ${id}` };
  const passed = [
    ...absoluteText(input.gates, input.trained.card.metrics),
    ...input.relative.map((r) => (r.status === "no-baseline" ? `${r.metric} (no ${r.alias} yet)` : `${r.metric} ${r.ours.toFixed(4)} ${r.op} ${r.threshold!.toFixed(4)} (${r.against})`)),
  ];
  const event = await reg.setAlias.call(input.registry, input.project, input.alias, target.ref, { by: who(), reason: `gates passed: ${passed.join(", ") || "none configured"}` });
  return { status: "promoted", detail: `${input.alias} ${event.from ?? "(unset)"} → ${id}` };
}
