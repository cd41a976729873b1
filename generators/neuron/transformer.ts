/**
 * The Neuron folders of a transformer project (`trainer: pretrained` with `kind: neuron`
 * targets):
 * - `compile/neuron/` (then `compile/neuron-2/`, …): compile.py, validate.py and traced.py —
 *   the real Python files of runtimes/neuron/transformer, header in front — neuron.json (this
 *   target's data, the same document the compile step writes), requirements.txt, run.sh and
 *   the `<name>-compile-neuron` Dockerfile;
 * - `serve-neuron/`: sidecar.py + traced.py, requirements.txt and the Dockerfile of the staged
 *   server (the generated Node server with MESH_ENGINE=torch, the model in sidecar.py).
 * Data in, text out: the programs are read once per process like templates.
 */
import type { CompileIR, GeneratedFile, LifecycleProjectIR, TransformerIR } from "../../compiler/ir.js";
import { neuronJson, neuronTransformerConfig } from "../../runtimes/neuron/transformer/config.js";
import { generatedProgram } from "../../runtimes/neuron/transformer/scripts.js";
import { compileDockerfile, dockerignoreFor, serveTransformerDockerfile, TRANSFORMER_COMPILE_FILES, TRANSFORMER_SERVE_FILES } from "./dockerfiles.js";
import { transformerRequirementsTxt } from "./requirements.js";
import { runShTransformer } from "./run-sh.js";
import { neuronTargets, targetFolder } from "./script-config.js";

const file = (path: string, contents: string, mode: 0o644 | 0o755 = 0o644): GeneratedFile => ({ path, contents, mode });

export function generateTransformerNeuron(ir: LifecycleProjectIR, serving: TransformerIR, compile: CompileIR, header: string): GeneratedFile[] {
  const targets = neuronTargets(compile);
  const files: GeneratedFile[] = [];
  const inputs = ir.model.inputs.map((t) => t.name);
  targets.forEach((t, i) => {
    const dir = targetFolder(i);
    const cfg = neuronTransformerConfig(ir.key, serving, t, inputs, compile.validate);
    files.push(
      file(`${dir}/compile.py`, generatedProgram("compile.py", header)),
      file(`${dir}/validate.py`, generatedProgram("validate.py", header)),
      file(`${dir}/traced.py`, generatedProgram("traced.py", header)),
      file(`${dir}/neuron.json`, neuronJson(cfg)),
      file(`${dir}/requirements.txt`, transformerRequirementsTxt(header, ir, t.instance, false)),
      file(`${dir}/run.sh`, runShTransformer(header, ir, `../../${ir.rootFromOut}`), 0o755),
      file(`${dir}/Dockerfile`, compileDockerfile(ir, header, TRANSFORMER_COMPILE_FILES)),
      file(`${dir}/.dockerignore`, dockerignoreFor(header, TRANSFORMER_COMPILE_FILES)),
    );
  });
  files.push(
    file("serve-neuron/sidecar.py", generatedProgram("sidecar.py", header)),
    file("serve-neuron/traced.py", generatedProgram("traced.py", header)),
    file("serve-neuron/requirements.txt", transformerRequirementsTxt(header, ir, targets[0]!.instance, true)),
    file("serve-neuron/Dockerfile", serveTransformerDockerfile(ir, header)),
    file("serve-neuron/.dockerignore", dockerignoreFor(header, TRANSFORMER_SERVE_FILES)),
  );
  return files;
}
