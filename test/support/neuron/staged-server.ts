/**
 * A Neuron server folder and a compiled model folder as a deployment has them, for tests that
 * run the real app.py on CPU: app.py, featurizers.py, api.json and openapi.json generated from
 * `ir`, and a tiny traced TorchScript model over hashed n-grams of DIMS features.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { expect } from "vitest";
import type { ProjectIR } from "../../../compiler/ir.js";
import { apiJson } from "../../../generators/neuron/api-json.js";
import { openapiDocument } from "../../../generators/support/openapi-document.js";
import { PYTHON, REPO, run, scratch } from "./support.js";

export const DIMS = 64;

export interface StagedServer {
  readonly serverDir: string;
  readonly modelDir: string;
  /** Removes both folders. */
  readonly remove: () => void;
}

export interface TraceOptions {
  /** The batch size the model is traced with. */
  readonly batch: number;
  /** Recorded as tracing__dynamic_batch; absent: not recorded (a model compiled before the field existed). */
  readonly dynamicBatch?: boolean;
  /** Written as the version's card.json when given. */
  readonly card?: Readonly<Record<string, unknown>>;
}

export async function stageNeuronServer(ir: ProjectIR, prefix: string, options: TraceOptions): Promise<StagedServer> {
  const serverDir = scratch(`${prefix}-server`);
  const modelDir = scratch(`${prefix}-model`);
  const remove = () => {
    for (const d of [serverDir, modelDir]) fs.rmSync(d, { recursive: true, force: true });
  };
  for (const f of ["app.py", "featurizers.py"]) fs.copyFileSync(path.join(REPO, "runtimes/neuron/python", f), path.join(serverDir, f));
  fs.writeFileSync(path.join(serverDir, "api.json"), apiJson(ir));
  fs.writeFileSync(path.join(serverDir, "openapi.json"), JSON.stringify(openapiDocument(ir)));
  // A compiled version folder as the registry downloads it: [card +] neuron/{model.pt, specs, features}.
  const neuron = path.join(modelDir, "neuron");
  fs.mkdirSync(neuron, { recursive: true });
  if (options.card) fs.writeFileSync(path.join(modelDir, "card.json"), JSON.stringify(options.card));
  const specs = { target: "cpu", tracing__batch_size: options.batch, ...(options.dynamicBatch === undefined ? {} : { tracing__dynamic_batch: options.dynamicBatch }), tracing__max_length: DIMS };
  fs.writeFileSync(path.join(neuron, "compilation_specs.json"), JSON.stringify(specs));
  fs.writeFileSync(path.join(neuron, "features.json"), JSON.stringify({ kind: "hashed-ngrams", input: "text", dims: DIMS, ngrams: [1, 2], lowercase: true, maxChars: 2000 }));
  const trace = [
    "import sys, torch",
    "torch.manual_seed(0)",
    `net = torch.nn.Sequential(torch.nn.Linear(${DIMS}, 2), torch.nn.Softmax(dim=-1)).eval()`,
    `torch.jit.trace(net, torch.zeros(${options.batch}, ${DIMS})).save(sys.argv[1])`,
  ].join("\n");
  const traced = await run(PYTHON, ["-B", "-c", trace, path.join(neuron, "model.pt")], { timeout: 120_000 });
  expect(traced.code, traced.stderr).toBe(0);
  return { serverDir, modelDir, remove };
}
