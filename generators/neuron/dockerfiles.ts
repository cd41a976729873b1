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
 */
import type { ProjectIR } from "../../compiler/ir.js";
import { CONTAINER, runtimeImageDefault } from "../dockerfile/layout.js";
import type { DockerfileModel, Instruction } from "../dockerfile/model.js";
import { argRef } from "../dockerfile/quote.js";
import { renderDockerfile } from "../dockerfile/render.js";

export const COMPILE_FILES = ["compile.py", "features.json", "featurizers.py", "requirements.txt", "run.sh", "validate.py"] as const;
export const SERVE_FILES = ["api.json", "app.py", "featurizers.py", "openapi.json", "requirements.txt"] as const;

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

export function compileDockerfile(ir: ProjectIR, header: string): string {
  const dir = "/opt/mesh/compile";
  return renderDockerfile(
    model(ir, header, "mesh-neuron-compile", [
      { kind: "workdir", path: dir },
      // COPY ignores USER: the scripts stay root-owned and read-only for the job.
      ...COMPILE_FILES.map((f): Instruction => ({ kind: "copy", src: f, dest: `${dir}/${f}` })),
      labels(ir, "compile-neuron"),
      user,
      { kind: "entrypoint", argv: [`${dir}/run.sh`, "--offline"] },
      { kind: "cmd", argv: ["/work/trained", "/work/out", "neuron"] },
    ]),
  );
}

export function serveDockerfile(ir: ProjectIR, header: string): string {
  const dir = "/opt/mesh/serve";
  const port = ir.serve.port;
  const probe = `import sys, urllib.request; sys.exit(0 if urllib.request.urlopen("http://127.0.0.1:${port}${ir.serve.api.basePath}/ready", timeout=3).status == 200 else 1)`;
  return renderDockerfile(
    model(ir, header, "mesh-neuron-inference", [
      { kind: "workdir", path: dir },
      { kind: "env", vars: [["MESH_MODEL_DIR", "/opt/mesh/model"], ["MESH_HOST", "0.0.0.0"], ["MESH_PORT", String(port)]] },
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

/** The build context's allow-list: everything out, then exactly the files the Dockerfile COPYs. */
export function dockerignoreFor(header: string, files: readonly string[]): string {
  return `# ${header}\n*\n${files.map((f) => `!${f}`).join("\n")}\n`;
}
