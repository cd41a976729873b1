/**
 * The generator registry: one entry per artifact, sorted by name. A generator is a pure
 * function from the IR to files under `out/<name>/`; it never reads the disk, the clock or
 * the environment. Adding an artifact = one module + one entry here.
 */
import type { GeneratedFile, ProjectIR } from "../compiler/ir.js";
import type { WorkspaceFolder } from "../schemas/reserved.js";
import { generateClient } from "./client/index.js";
import { generateOpenapi } from "./openapi/index.js";
import { generateServing } from "./serving/index.js";
import { dockerfileFiles } from "./dockerfile/index.js";
import { generateMakefile } from "./makefile/makefile.js";
import { generateCompose } from "./compose/compose.js";
import { generateReadme } from "./readme/readme.js";
import { generateNeuron } from "./neuron/index.js";
import { generateK8s } from "./k8s/index.js";
import { generateCiWorkflow } from "./ci-workflow/index.js";

export type Generator = (ir: ProjectIR) => readonly GeneratedFile[];

export const GENERATORS: Readonly<Record<string, Generator>> = {
  client: generateClient,
  openapi: generateOpenapi,
  serving: generateServing,
  dockerfile: dockerfileFiles,
  makefile: generateMakefile,
  compose: generateCompose,
  readme: generateReadme,
  neuron: generateNeuron,
  k8s: generateK8s,
};

/** A workspace-level generator: all projects' IRs in, files under `out/<folder>/` out. */
export type WorkspaceGenerator = (irs: readonly ProjectIR[]) => readonly GeneratedFile[];

/**
 * Workspace-level outputs, by folder under the output root. Each folder name is a reserved
 * project name (schemas/reserved.ts), so no project can collide with it.
 */
export const WORKSPACE_GENERATORS: Readonly<Record<WorkspaceFolder, WorkspaceGenerator>> = {
  ci: generateCiWorkflow,
};

/** Runs every generator and returns the files sorted by path; duplicate paths are a bug. */
export function generateProject(ir: ProjectIR): GeneratedFile[] {
  const files: GeneratedFile[] = [];
  const seen = new Map<string, string>();
  for (const [name, generate] of Object.entries(GENERATORS).sort(([a], [b]) => a.localeCompare(b))) {
    for (const file of generate(ir)) {
      const owner = seen.get(file.path);
      if (owner !== undefined) throw new Error(`generators ${owner} and ${name} both write ${file.path}`);
      seen.set(file.path, name);
      files.push(file);
    }
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
