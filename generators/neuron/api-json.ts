/**
 * api.json: what the Python server serves, as data — the same decisions the TypeScript
 * serving generator makes (field order, limits, the respond plan), so both servers decode and
 * answer alike. The fields' constraints are not repeated here: app.py reads them from the
 * JSON Schema in openapi.json, the document both servers publish.
 */
import type { ProjectIR } from "../../compiler/ir.js";
import { respondPlanOf } from "../support/respond-plan.js";
import { canonicalJson } from "../support/canonical-json.js";
import { ENV_VARS } from "../../runtimes/serve/config.js";
import { honouredByAppPy } from "../support/neuron-env.js";

/** name → {key, type, bounds, default}: the declaration app.py parses MESH_* with; defaults are the spec's values (ir.serve.env). */
function envDecls(ir: ProjectIR) {
  const spec = new Map(ir.serve.env.map((v) => [v.name, v.value]));
  const env: Record<string, unknown> = {};
  for (const d of ENV_VARS) {
    if (!honouredByAppPy(d)) continue;
    env[d.name] = {
      key: d.key,
      type: d.type,
      default: spec.get(d.name) ?? d.default,
      doc: d.doc,
      ...(d.min !== undefined ? { min: d.min } : {}),
      ...(d.max !== undefined ? { max: d.max } : {}),
      ...(d.values ? { values: [...d.values] } : {}),
    };
  }
  // The Neuron image's own variable: where the compiled version folder is (the Dockerfile sets it).
  env.MESH_MODEL_DIR = { key: "modelDir", type: "string", default: "", doc: "Compiled version folder: card.json and neuron/{model.pt,compilation_specs.json,features.json}." };
  return { env, unsupported: ENV_VARS.filter((d) => !honouredByAppPy(d)).map((d) => d.name) };
}

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
      ...envDecls(ir),
      specHash: ir.specHash,
      meshVersion: ir.meshVersion,
    },
    true,
  );
}
