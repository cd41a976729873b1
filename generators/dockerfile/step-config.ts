/**
 * `out/<name>/<step>/step.json`: the lowered configuration one lifecycle step image runs
 * (IR `run`, the same data `mesh run` uses on the host), canonical JSON. The image COPYs it
 * and its entry point reads it, so the container never re-reads the spec.
 */
import type { LifecycleProjectIR, LifecycleStep } from "../../compiler/ir.js";
import { canonicalJson } from "../support/canonical-json.js";

export function stepConfigJson(ir: LifecycleProjectIR, step: LifecycleStep): string {
  return canonicalJson({ ...ir.run, step }, true);
}
