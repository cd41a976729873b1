/**
 * Images of the Neuron folders, built on an Inferentia/Trainium-capable build host (they
 * start FROM the core images mesh-neuron-compile / mesh-neuron-inference, which start FROM
 * the pinned AWS Neuron deep-learning containers; none can be pulled or built here, so they
 * are checked statically with the Dockerfile lint). Each folder is its own build context
 * with a .dockerignore allow-list of exactly the files it COPYs.
 * - `compile/neuron/Dockerfile` → `<name>-compile-neuron` (the compose compile-neuron service):
 *   `run.sh --offline /work/trained /work/out` traces and validates a mounted trained version.
 * - `serve-neuron/Dockerfile` → `<name>-serve-neuron`: app.py over a mounted compiled version
 *   (MESH_MODEL_DIR), ready probe as HEALTHCHECK. The inference core image must provide
 *   fastapi and uvicorn (pinned in serve-neuron/requirements.txt).
 * - Transformer projects: the compile image carries the transformer programs (COMPILE_FILES
 *   differ), and `serve-neuron/Dockerfile` is the staged pair — the project's own Node server
 *   (node, node_modules and serve/ copied from its `<name>-serve` image, so routes, batching and
 *   answers are the ONNX server's) on the Neuron inference image, running the traced model in
 *   sidecar.py (MESH_ENGINE=torch).
 */
import type { ProjectIR } from "../../compiler/ir.js";
import { stepRepository } from "../support/container-run.js";
import { CONTAINER, runtimeImageDefault } from "../support/image-layout.js";
import type { DockerfileModel, Instruction } from "../support/dockerfile-model.js";
import { argRef } from "../support/dockerfile-quote.js";
import { renderDockerfile } from "../support/dockerfile-render.js";

export const COMPILE_FILES = ["compile.py", "features.json", "featurizers.py", "neuron.json", "requirements.txt", "run.sh", "validate.py"] as const;
export const SERVE_FILES = ["api.json", "app.py", "featurizers.py", "openapi.json", "requirements.txt"] as const;
/** The transformer programs (runtimes/neuron/transformer) and their data. */
export const TRANSFORMER_COMPILE_FILES = ["compile.py", "neuron.json", "requirements.txt", "run.sh", "traced.py", "validate.py"] as const;
export const TRANSFORMER_SERVE_FILES = ["requirements.txt", "sidecar.py", "traced.py"] as const;

const RUNTIME = "MESH_RUNTIME_IMAGE";
const user: Instruction = { kind: "user", uid: CONTAINER.uid, gid: CONTAINER.gid };

function labels(ir: ProjectIR, component: string): Instruction {
  return {
    kind: "label",
    labels: [
      ["org.opencontainers.image.title", { text: `${ir.name}-${component}` }],
      ["org.opencontainers.image.version", { text: ir.meshVersion }],
      ["dev.mesh.project", { text: ir.name }],
      ["dev.mesh.step", { text: component }],
      ["dev.mesh.spec-hash", { text: ir.specHash }],
    ],
  };
}

function model(ir: ProjectIR, header: string, runtime: string, instructions: Instruction[]): DockerfileModel {
  return {
    header: [header, `build on a host that can pull ${runtime}'s AWS Neuron base; mesh cannot build it offline`],
    globalArgs: [{ kind: "arg", name: RUNTIME, default: runtimeImageDefault(ir, runtime) }],
    stages: [{ from: argRef(RUNTIME), instructions }],
  };
}

export function compileDockerfile(ir: ProjectIR, header: string, files: readonly string[] = COMPILE_FILES): string {
  const dir = "/opt/mesh/compile";
  return renderDockerfile(
    model(ir, header, "mesh-neuron-compile", [
      { kind: "workdir", path: dir },
      // COPY ignores USER: the scripts stay root-owned and read-only for the job.
      ...files.map((f): Instruction => ({ kind: "copy", src: f, dest: `${dir}/${f}` })),
      labels(ir, "compile-neuron"),
      user,
      { kind: "entrypoint", argv: [`${dir}/run.sh`, "--offline"] },
      { kind: "cmd", argv: ["/work/trained", "/work/out", "neuron"] },
    ]),
  );
}

export function serveDockerfile(ir: ProjectIR, header: string): string {
  const dir = "/opt/mesh/serve";
  const port = ir.serve.containerPort;
  const probe = `import sys, urllib.request; sys.exit(0 if urllib.request.urlopen("http://127.0.0.1:${port}${ir.serve.api.basePath}/ready", timeout=3).status == 200 else 1)`;
  return renderDockerfile(
    model(ir, header, "mesh-neuron-inference", [
      { kind: "workdir", path: dir },
      {
        kind: "env",
        vars: [
          ["MESH_MODEL_DIR", "/opt/mesh/model"],
          ["MESH_HOST", ir.serve.host],
          ["MESH_PORT", String(port)],
        ],
      },
      ...SERVE_FILES.map((f): Instruction => ({ kind: "copy", src: f, dest: `${dir}/${f}` })),
      labels(ir, "serve-neuron"),
      user,
      { kind: "expose", port },
      { kind: "healthcheck", argv: ["python3", "-c", probe], intervalS: 10, timeoutS: 5, startPeriodS: 60, retries: 3 },
      { kind: "stopsignal", signal: "SIGTERM" },
      { kind: "entrypoint", argv: ["python3", `${dir}/app.py`] },
    ]),
  );
}

const SERVE_IMAGE = "MESH_SERVE_IMAGE";

/**
 * The Neuron server of a transformer project: the generated Node server, unchanged, with the
 * torch engine. Node, the production node_modules (mesh runtime, onnxruntime-node, tokenizers)
 * and serve/ come from the project's `<name>-serve` image (`mesh build NAME --step serve`; pass
 * its tag as MESH_SERVE_IMAGE); the Neuron inference image brings Python, torch-neuronx and the
 * NeuronCore runtime for sidecar.py. The compiled version (model.pt, compilation.json, tokenizer)
 * is mounted at /opt/mesh/model.
 */
export function serveTransformerDockerfile(ir: ProjectIR, header: string): string {
  const dir = "/opt/mesh/serve-neuron";
  const port = ir.serve.containerPort;
  const ready = `${ir.serve.api.basePath}/ready`;
  const probe = `fetch("http://127.0.0.1:"+(process.env.MESH_PORT||${port})+${JSON.stringify(ready)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`;
  const node = "node";
  return renderDockerfile({
    header: [
      header,
      "build on a host that can pull mesh-neuron-inference's AWS Neuron base; mesh cannot build it offline",
      `--build-arg ${SERVE_IMAGE}=<the tag mesh build ${ir.name} --step serve printed>`,
    ],
    globalArgs: [
      { kind: "arg", name: RUNTIME, default: runtimeImageDefault(ir, "mesh-neuron-inference") },
      { kind: "arg", name: SERVE_IMAGE, default: `${stepRepository(ir, "serve")}:${ir.meshVersion}` },
    ],
    stages: [
      { from: argRef(SERVE_IMAGE), name: node, instructions: [] },
      {
        from: argRef(RUNTIME),
        instructions: [
          { kind: "workdir", path: CONTAINER.app },
          { kind: "copy", from: node, src: "/usr/local/bin/node", dest: "/usr/local/bin/node" },
          { kind: "copy", from: node, src: CONTAINER.nodeModules, dest: CONTAINER.nodeModules },
          { kind: "copy", from: node, src: `${CONTAINER.app}/serve`, dest: `${CONTAINER.app}/serve` },
          // COPY ignores USER: the programs stay root-owned and read-only for the server.
          ...TRANSFORMER_SERVE_FILES.map((f): Instruction => ({ kind: "copy", src: f, dest: `${dir}/${f}` })),
          {
            kind: "env",
            vars: [
              ["NODE_ENV", "production"],
              ["MESH_HOST", "0.0.0.0"],
              ["MESH_PORT", String(port)],
              ["MESH_ENGINE", "torch"],
              ["MESH_MODEL_PATH", "/opt/mesh/model/model.pt"],
              ["MESH_TORCH_SIDECAR", `${dir}/sidecar.py`],
              // The Neuron image's python3 (on PATH) has torch-neuronx; /usr/bin/python3 may not.
              ["PYTHON", "python3"],
            ],
          },
          labels(ir, "serve-neuron"),
          user,
          { kind: "expose", port },
          // Loading a model onto a NeuronCore takes a while: a long start period before the probe counts.
          { kind: "healthcheck", argv: ["node", "-e", probe], intervalS: 10, timeoutS: 5, startPeriodS: 120, retries: 3 },
          { kind: "stopsignal", signal: "SIGTERM" },
          // The sidecar's private socket folder is made in /tmp (a tmpfs under --read-only).
          { kind: "workdir", path: "/tmp" },
          { kind: "entrypoint", argv: ["node", `${CONTAINER.app}/serve/main.js`] },
          { kind: "cmd", argv: [] },
        ],
      },
    ],
  });
}

/** The build context's allow-list: everything out, then exactly the files the Dockerfile COPYs. */
export function dockerignoreFor(header: string, files: readonly string[]): string {
  return `# ${header}\n*\n${files.map((f) => `!${f}`).join("\n")}\n`;
}
