/**
 * compile.py: rebuilds the trained network as a PyTorch module from the architecture in
 * neuron.json, loads its weights from the trained model.onnx initializers
 * (onnx.numpy_helper), and traces it at the fixed shape [batch_size, width]:
 * torch_neuronx.trace (inf2/trn1, optionally wrapped with dynamic_batch), torch.neuron.trace
 * (inf1: dynamic_batch_size, fallback off, compiler args), or torch.jit.trace for the CPU
 * twin. Writes model.pt and compilation_specs.json. Exit codes: 0 ok, 3 a library is
 * missing, 4 the weights do not fit the architecture, 1 anything else.
 *
 * The program is the real file compile.py beside this module (the same for every project);
 * only neuron.json (`neuronJson`) is generated.
 */
import { readAsset } from "../../assets.js";
import type { NeuronScriptConfig } from "../script-config.js";
import type { ValidateDefaults } from "./validate-py.js";

/** The text of compile.py, behind a header line in Python comment syntax. */
export function compilePy(header: string): string {
  return `# ${header}\n${readAsset(import.meta.url, "compile.py")}`;
}

/** neuron.json: what compile.py and validate.py read about this project (keys sorted). */
export function neuronJson(cfg: NeuronScriptConfig, validate: ValidateDefaults): string {
  const data = {
    atol: validate.atol,
    batch_size: cfg.batchSize,
    compiler_args: cfg.compilerArgs,
    dynamic_batch: cfg.dynamicBatch,
    instance: cfg.instance,
    key: cfg.key,
    layers: cfg.layers,
    rtol: validate.rtol,
    samples: validate.samples,
    standardize: cfg.standardize,
  };
  return `${JSON.stringify(data, null, 2)}\n`;
}
