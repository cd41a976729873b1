/** Quality gates from the spec: every gate must hold, or the step fails and registers nothing. */
import type { Metrics } from "./metrics.js";
import type { GateConfig } from "./types.js";

const HOLDS = { ">=": (a: number, b: number) => a >= b, "<=": (a: number, b: number) => a <= b, ">": (a: number, b: number) => a > b, "<": (a: number, b: number) => a < b };

/** Messages for the gates that were missed, each with the real figure; [] when all hold. */
export function missedGates(gates: readonly GateConfig[], m: Metrics): string[] {
  return gates
    .filter((g) => !HOLDS[g.op](m[g.metric], g.value))
    .map((g) => `gate ${g.metric} ${g.op} ${g.value} missed: ${g.metric} is ${m[g.metric].toFixed(4)} on ${m.rows} held-out rows`);
}
