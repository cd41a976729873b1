/**
 * `out/<name>/<step>/step.json`: the lowered configuration one lifecycle step image runs
 * (IR `run`, the same data `mesh run` uses on the host), canonical JSON. The image COPYs it
 * and its entry point reads it, so the container never re-reads the spec.
 */
import type { LifecycleStep, ProjectIR } from "../../compiler/ir.js";
import { canonicalJson } from "../support/canonical-json.js";

export function stepConfigJson(ir: ProjectIR, step: LifecycleStep): string {
  if (!ir.run) throw new Error(`${ir.name} has no lifecycle: no ${step} image`);
  return canonicalJson({ ...ir.run, step }, true);
}
