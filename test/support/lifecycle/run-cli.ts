/**
 * Runs `mesh run` in-process (the command's own body, as the CLI calls it) inside a temp
 * workspace holding copies of the example specs and a link to the repo's node_modules
 * (npm: sources resolve from the workspace). Captures stdout and stderr.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { vi } from "vitest";
import { runRun, type RunFlags } from "../../../compiler/cli/commands/run.js";
import { tempWorkspace } from "./workspace.js";

export const REPO = path.resolve(import.meta.dirname, "../../..");

export function exampleWorkspace(...projects: string[]): string {
  const files: Record<string, string> = {};
  for (const p of projects) files[`projects/${p}/project.yaml`] = fs.readFileSync(path.join(REPO, "projects", p, "project.yaml"), "utf8");
  const root = tempWorkspace(files);
  fs.symlinkSync(path.join(REPO, "node_modules"), path.join(root, "node_modules"), "dir");
  return root;
}

export interface RunOutput {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

export async function meshRun(root: string, name: string, flags: Partial<RunFlags> = {}): Promise<RunOutput> {
  let stdout = "";
  let stderr = "";
  const out = vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  const t0 = performance.now();
  try {
    const code = await runRun(name, { serve: false, ...flags }, root);
    return { code, stdout, stderr, ms: performance.now() - t0 };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}
