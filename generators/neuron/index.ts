/**
 * The Neuron artifacts of a project with `kind: neuron` compile targets:
 * - `compile/neuron/` (then `compile/neuron-2/`, … for further targets): compile.py,
 *   validate.py, featurizers.py, features.json, requirements.txt, run.sh, and the
 *   Dockerfile (+ .dockerignore) of the `<name>-compile-neuron` image;
 * - `serve-neuron/`: the Python (FastAPI) server over the traced model — app.py,
 *   featurizers.py, api.json (what it serves), openapi.json (the same document as the
 *   TypeScript server's), requirements.txt and the `<name>-serve-neuron` Dockerfile.
 * The Python texts come from runtimes/neuron, which runs the very same scripts for
 * `mesh run NAME --only compile --target cpu|neuron`. Transformer projects get their own
 * programs and a Node-server-plus-sidecar serve folder (./transformer.ts).
 */
import type { GeneratedFile, ProjectIR } from "../../compiler/ir.js";
import { appPy } from "../../runtimes/neuron/python/app-py.js";
import { featurizersPy } from "../../runtimes/neuron/python/featurizers-py.js";
import { compileScriptTexts } from "../../runtimes/neuron/script-files.js";
import { openapiJson } from "../support/openapi-json.js";
import { headerText } from "../support/header.js";
import { apiJson } from "./api-json.js";
import { COMPILE_FILES, compileDockerfile, dockerignoreFor, SERVE_FILES, serveDockerfile } from "./dockerfiles.js";
import { requirementsTxt } from "./requirements.js";
import { runSh } from "./run-sh.js";
import { neuronTargets, scriptConfig, targetFolder } from "./script-config.js";
import { generateTransformerNeuron } from "./transformer.js";

const file = (path: string, contents: string, mode: 0o644 | 0o755 = 0o644): GeneratedFile => ({ path, contents, mode });

export function generateNeuron(ir: ProjectIR): GeneratedFile[] {
  if (ir.kind !== "Project" || !ir.compile) return [];
  const { compile, model } = ir;
  const targets = neuronTargets(compile);
  if (targets.length === 0) return [];
  const header = headerText(ir.specPath);
  if (model.kind === "transformer") return generateTransformerNeuron(ir, model.transformer, compile, header);
  const files: GeneratedFile[] = [];
  targets.forEach((t, i) => {
    const cfg = scriptConfig(ir, model, t);
    if (!cfg) return;
    const dir = targetFolder(i);
    const validate = compile.validate;
    for (const [name, text] of Object.entries(compileScriptTexts(header, cfg, validate))) files.push(file(`${dir}/${name}`, text));
    files.push(file(`${dir}/requirements.txt`, requirementsTxt(header, ir, t.instance, false)));
    files.push(file(`${dir}/run.sh`, runSh(header, ir, `../../${ir.rootFromOut}`), 0o755));
    files.push(file(`${dir}/Dockerfile`, compileDockerfile(ir, header)), file(`${dir}/.dockerignore`, dockerignoreFor(header, COMPILE_FILES)));
  });
  const first = targets[0]!;
  if (files.length === 0) return files;
  files.push(
    file("serve-neuron/app.py", appPy(header)),
    file("serve-neuron/featurizers.py", featurizersPy(header)),
    file("serve-neuron/api.json", apiJson(ir)),
    file("serve-neuron/openapi.json", openapiJson(ir)),
    file("serve-neuron/requirements.txt", requirementsTxt(header, ir, first.instance, true)),
    file("serve-neuron/Dockerfile", serveDockerfile(ir, header)),
    file("serve-neuron/.dockerignore", dockerignoreFor(header, SERVE_FILES)),
  );
  return files;
}
