/**
 * api.json: what the Python server serves, as data — the same decisions the TypeScript
 * serving generator makes (field order, limits, the respond plan), so both servers decode and
 * answer alike. The fields' constraints are not repeated here: app.py reads them from the
 * JSON Schema in openapi.json, the document both servers publish.
 */
import type { ProjectIR } from "../../compiler/ir.js";
import { respondPlanOf } from "../support/respond-plan.js";
import { canonicalJson } from "../support/canonical-json.js";

export function apiJson(ir: ProjectIR): string {
  const s = ir.serve;
  const plan = respondPlanOf(ir);
  const tensors = (list: ProjectIR["model"]["inputs"]) => list.map((t) => ({ name: t.name, datatype: t.datatype, shape: [...t.shape] }));
  return canonicalJson(
    {
      name: ir.name,
      namespace: s.api.namespace,
      basePath: s.api.basePath,
      labels: ir.model.labels,
      attributes: s.api.attributes.map((f) => f.name),
      parameters: s.api.parameters.map((p) => p.name),
      response: plan.fields,
      threshold: plan.threshold,
      inputs: tensors(ir.model.inputs),
      outputs: tensors(ir.model.outputs),
      limits: s.limits,
      batching: s.batching,
      host: s.host,
      port: s.containerPort,
      drainMs: s.drainMs,
      specHash: ir.specHash,
      meshVersion: ir.meshVersion,
    },
    true,
  );
}
