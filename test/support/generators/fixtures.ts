/**
 * IRs for the generator tests: the example projects compiled through the real pipeline, and
 * synthetic variants (an App, a hostile description) built from them.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parse, stringify } from "yaml";
import { nodeHost } from "../../../compiler/host.js";
import type { ProjectIR } from "../../../compiler/ir.js";
import { compileWorkspace } from "../../../compiler/pipeline.js";

export const REPO_ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** The IR of `projects/<name>/project.yaml`, through compileWorkspace. */
export async function exampleIR(name: string): Promise<ProjectIR> {
  const result = await compileWorkspace(nodeHost(REPO_ROOT), { specPaths: [`projects/${name}/project.yaml`] });
  const ir = result.value?.[0];
  if (!ir) throw new Error(`projects/${name} does not compile: ${JSON.stringify(result.diagnostics)}`);
  return ir;
}

const PREFIX = "123456789012.dkr.ecr.us-east-1.amazonaws.com/mesh";

/** A lowered MESH_* list with the server moved to `port` (what lower derives from `serve.port`). */
const onPort = (env: ProjectIR["serve"]["env"], port: number) => env.map((v) => (v.name === "MESH_PORT" ? { ...v, value: port } : v));

/** An App (serve only, tensor model) derived from an example: no lifecycle steps. */
export function appIR(base: ProjectIR): ProjectIR {
  const { ingest: _i, register: _r, train: _t, compile: _c, schedule: _s, run: _run, model: m, ...rest } = base;
  return {
    ...rest,
    kind: "App",
    model: { kind: "external", task: "tensor", labels: m.labels, target: m.target, inputs: m.inputs, outputs: m.outputs, source: { uri: "models/digits.onnx" } },
    name: "digits",
    key: "DIGITS",
    specPath: "projects/digits/project.yaml",
    description: "",
    steps: ["serve"],
    lifecycleSteps: [],
    stepImages: base.stepImages.filter((s) => s.step === "serve").map((s) => ({ ...s, repository: "digits-serve", image: `${PREFIX}/digits-serve` })),
    serve: {
      ...base.serve,
      containerPort: 8002,
      hostPort: 8002,
      env: onPort(base.serve.env, 8002),
      image: { ...base.serve.image, model: "download" },
      api: { ...base.serve.api, basePath: "/digits/v1", namespace: "digits" },
    },
    images: { ...base.images, prefix: PREFIX, neuron: { compile: `${PREFIX}/digits-compile-neuron`, serve: `${PREFIX}/digits-serve-neuron` } },
    environments: base.environments.map((e) => ({ ...e, serve: { ...e.serve, hostPort: 8002, env: onPort(e.serve.env, 8002) } })),
  };
}

/**
 * Free text that tries every way out of a comment, a quoted string, a recipe or a Markdown
 * paragraph. Each attempt would create a file in `sentinel` (an empty folder) if it ran.
 */
export function hostileText(sentinel: string): string {
  return [
    `Evil $(shell touch ${sentinel}/make) \`touch ${sentinel}/tick\` $$(touch ${sentinel}/dollar) 'quote' "dq" # hash \\`,
    `RUN touch ${sentinel}/run`,
    `\ttouch ${sentinel}/tab\r\n# Heading? <script>alert(1)</script> [link](http://x) www.example.com a@b.io | cell | ${"`"}code${"`"} *em* $x$`,
    `1. list \u2028next line \\`,
  ].join("\n");
}

/** One-line hostile text (example names, which the schema keeps to one line). */
export function hostileLine(sentinel: string): string {
  return `it's "evil" \`touch ${sentinel}/name\` $(touch ${sentinel}/name2) # <b>x</b> | y \\`;
}

/**
 * The spam spec with hostile free text everywhere the schema allows it (description, an
 * example's name and text), compiled through the real pipeline in a temp workspace.
 */
export async function hostileIR(workspace: string, sentinel: string): Promise<ProjectIR> {
  const spec = parse(readFileSync(`${REPO_ROOT}projects/spam/project.yaml`, "utf8")) as {
    name: string;
    key: string;
    description: string;
    steps: { serve: { examples: { name: string; attributes: { text: string } }[] } };
  };
  spec.name = "evil";
  spec.key = "EVIL";
  spec.description = hostileText(sentinel);
  const example = spec.steps.serve.examples[0]!;
  example.name = hostileLine(sentinel);
  example.attributes.text = `it's '\\'' $(touch ${sentinel}/text) \`touch ${sentinel}/text2\` \\ "q" \n\u2028 \`\`\`\n# not a comment`;
  mkdirSync(`${workspace}/projects/evil`, { recursive: true });
  writeFileSync(`${workspace}/projects/evil/project.yaml`, stringify(spec));
  const result = await compileWorkspace(nodeHost(workspace));
  const ir = result.value?.[0];
  if (!ir) throw new Error(`hostile spec does not compile: ${JSON.stringify(result.diagnostics)}`);
  return ir;
}
