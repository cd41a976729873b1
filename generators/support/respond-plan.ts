/** The lowered response plan of a tensor-serving project (compiler/lower/respond-plan.ts computes it). */
import type { ProjectIR, RespondPlanIR } from "../../compiler/ir.js";

export function respondPlanOf(ir: ProjectIR): RespondPlanIR {
  if (!ir.serve.respond) throw new Error(`${ir.name}: a transformer's answers come from its task, not a response plan`);
  return ir.serve.respond;
}
