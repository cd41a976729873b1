/**
 * `.dockerignore` per step: exclude everything, then re-admit exactly the context roots the
 * Dockerfile COPYs. `mesh build` filters its staged context through this file
 * (`compiler/images/stage-step.ts`, with @balena/dockerignore), so the file is the context's allow-list.
 */
import type { ProjectIR, StepName } from "../../compiler/ir.js";
import { contextRoots, STEP_CONFIG_FILE } from "../support/image-layout.js";
import { headerComment } from "../support/header.js";

export function dockerignore(ir: ProjectIR, step: StepName): string {
  const lines = [headerComment("#", ir.specPath), "*", ...contextRoots(ir, step).map((r) => `!${r}/`), ...(step === "serve" ? [] : [`!${STEP_CONFIG_FILE}`])];
  return `${lines.join("\n")}\n`;
}
