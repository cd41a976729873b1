/**
 * The Dockerfile generator: `out/<name>/<step>/Dockerfile` and `.dockerignore` for every step
 * image of the IR (Node steps; Neuron images are core images, see runtimes/images).
 */
import type { GeneratedFile, ProjectIR } from "../../compiler/ir.js";
import { dockerignore } from "./dockerignore.js";
import { renderDockerfile } from "../support/dockerfile-render.js";
import { STEP_CONFIG_FILE } from "../support/image-layout.js";
import { stepConfigJson } from "./step-config.js";
import { stepDockerfile } from "./step-image.js";

export function dockerfileFiles(ir: ProjectIR): GeneratedFile[] {
  return ir.stepImages.flatMap((image) => [
    { path: `${image.step}/Dockerfile`, contents: renderDockerfile(stepDockerfile(ir, image)), mode: 0o644 as const },
    { path: `${image.step}/.dockerignore`, contents: dockerignore(ir, image.step), mode: 0o644 as const },
    // Only a Project has lifecycle step images (an App's only image is serve).
    ...(image.step === "serve" || ir.kind !== "Project" ? [] : [{ path: `${image.step}/${STEP_CONFIG_FILE}`, contents: stepConfigJson(ir, image.step), mode: 0o644 as const }]),
  ]);
}
