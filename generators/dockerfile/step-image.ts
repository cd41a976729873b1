/**
 * One step's image as data. Three stages:
 *   runtime — FROM the core runtime image (mesh-serve or mesh-train: configured base → Node,
 *             non-root user → production dependencies → mesh runtime, see runtimes/images),
 *             then the run-time settings (user, env, port, healthcheck, stop signal, command),
 *             then the step's own files in change-rate order (serve code or spec → model);
 *   check   — FROM runtime, as the non-root user: proves the image works (`check-script.ts`);
 *   final   — FROM runtime, takes the check's record (so even BuildKit cannot skip the check)
 *             and the labels, which change with every build and so come last.
 * Nothing is downloaded: there is no package manager call, and RUN is exec form only.
 */
import type { ProjectIR, StepImageIR } from "../../compiler/ir.js";
import type { DockerfileModel, Instruction, LabelValue } from "../support/dockerfile-model.js";
import { checkScript } from "./check-script.js";
import { argRef } from "../support/dockerfile-quote.js";
import { headerText } from "../support/header.js";
import { bakesModel, BUILD_ARGS, CONTAINER, contextRoots, LABELS, ROOT_DEST, runtimeImageDefault, STEP_CONFIG_FILE, STEP_MAIN } from "../support/image-layout.js";

function labels(ir: ProjectIR, image: StepImageIR): Instruction {
  const text = (t: string): LabelValue => ({ text: t });
  const list: [string, LabelValue][] = [
    [LABELS.title, text(image.repository)],
    [LABELS.description, text(ir.description || `${ir.name} ${image.step} step`)],
    [LABELS.version, { arg: BUILD_ARGS.imageTag }],
    [LABELS.revision, { arg: BUILD_ARGS.revision }],
    [LABELS.baseName, { arg: BUILD_ARGS.runtimeImage }],
    [LABELS.project, text(ir.name)],
    [LABELS.step, text(image.step)],
    [LABELS.specHash, text(ir.specHash)],
    [LABELS.meshVersion, text(ir.meshVersion)],
    [LABELS.contentHash, { arg: BUILD_ARGS.contentHash }],
  ];
  if (image.step === "serve") list.push([LABELS.modelVersion, { arg: BUILD_ARGS.modelVersion }]);
  return { kind: "label", labels: list };
}

/** Run-time settings of the serve image; they change only when the serve spec does. */
function serveConfig(ir: ProjectIR): Instruction[] {
  const port = ir.serve.containerPort;
  const env: [string, string][] = [
    ["NODE_ENV", "production"],
    ["MESH_HOST", ir.serve.host],
    ["MESH_PORT", String(port)],
  ];
  // A transformer is a folder (tokenizer and config beside the graph): the server is given the folder.
  const modelPath = ir.model.transformer ? CONTAINER.model : `${CONTAINER.model}/model.onnx`;
  if (bakesModel(ir)) env.push(["MESH_MODEL_PATH", modelPath], ["MESH_MODEL_CARD", `${CONTAINER.model}/card.json`]);
  // Download mode: the newest compiled (else trained) version of a mounted or S3 registry at start.
  else env.push(["MESH_REGISTRY", `file://${CONTAINER.registry}`], ["MESH_MODEL_REF", "latest"]);
  const ready = `${ir.serve.api.basePath}/ready`;
  const probe = `fetch("http://127.0.0.1:"+(process.env.MESH_PORT||${port})+${JSON.stringify(ready)})` + `.then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`;
  return [
    { kind: "env", vars: env },
    { kind: "expose", port },
    { kind: "healthcheck", argv: ["node", "-e", probe], intervalS: 10, timeoutS: 3, startPeriodS: 10, retries: 3 },
    { kind: "stopsignal", signal: "SIGTERM" },
    // A downloaded model is cached below the working folder (.mesh/cache): run from /tmp, the
    // one writable place (a tmpfs under `docker run --read-only`), so /app stays immutable.
    ...(bakesModel(ir) ? [] : [{ kind: "workdir" as const, path: "/tmp" }]),
    { kind: "cmd", argv: bakesModel(ir) ? ["node", "serve/main.js"] : ["node", `${CONTAINER.app}/serve/main.js`] },
  ];
}

/** Run-time settings of a lifecycle step image: step-main runs the step its step.json configures, against a mounted registry. */
function lifecycleConfig(image: StepImageIR): Instruction[] {
  return [
    {
      kind: "env",
      vars: [
        ["NODE_ENV", "production"],
        // The lifecycle writes temporary files; the image itself stays read-only for the user.
        ["HOME", "/tmp"],
        ["MESH_REGISTRY", `file://${CONTAINER.registry}`],
      ],
    },
    { kind: "stopsignal", signal: "SIGTERM" },
    { kind: "entrypoint", argv: ["node", STEP_MAIN, "--config", CONTAINER.stepConfig, "--step", image.step] },
    { kind: "cmd", argv: [] },
  ];
}

/** The Dockerfile of one step image. */
export function stepDockerfile(ir: ProjectIR, image: StepImageIR): DockerfileModel {
  const copies: Instruction[] = contextRoots(ir, image.step).map((root) => ({ kind: "copy", src: `${root}/`, dest: ROOT_DEST[root] }));
  const args: [string, string | undefined][] = [
    // Re-declared without a default: a global ARG is visible in FROM lines only.
    [BUILD_ARGS.runtimeImage, undefined],
    [BUILD_ARGS.imageTag, "dev"],
    [BUILD_ARGS.revision, "unknown"],
    [BUILD_ARGS.contentHash, "none"],
  ];
  if (image.step === "serve") args.push([BUILD_ARGS.modelVersion, "none"]);
  const user: Instruction = { kind: "user", uid: CONTAINER.uid, gid: CONTAINER.gid };
  return {
    header: [headerText(ir.specPath), `image ${image.repository}: build it with \`mesh build ${ir.name} --step ${image.step}\`, which stages the context`],
    globalArgs: [{ kind: "arg", name: BUILD_ARGS.runtimeImage, default: runtimeImageDefault(ir, image.runtime) }],
    stages: [
      {
        from: argRef(BUILD_ARGS.runtimeImage),
        name: "runtime",
        instructions: [
          { kind: "workdir", path: CONTAINER.app },
          user,
          // Settings first: they outlive every spec and model change, so their layers stay cached.
          ...(image.step === "serve" ? serveConfig(ir) : lifecycleConfig(image)),
          // COPY ignores USER: the files stay root-owned and read-only for the app.
          ...copies,
          ...(image.step === "serve" ? [] : [{ kind: "copy" as const, src: STEP_CONFIG_FILE, dest: CONTAINER.stepConfig }]),
        ],
      },
      { from: "runtime", name: "check", instructions: [{ kind: "run", argv: ["node", "-e", checkScript(ir, image.step)] }] },
      {
        from: "runtime",
        instructions: [{ kind: "copy", from: "check", src: CONTAINER.checkFile, dest: `${CONTAINER.app}/.mesh-check.json` }, { kind: "args", args }, labels(ir, image)],
      },
    ],
  };
}
