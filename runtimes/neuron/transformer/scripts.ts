/**
 * The transformer Neuron programs are real Python files beside this module (checked by
 * py_compile and pyflakes as they are). The compile target and the torch serving session run
 * them in place; generators/neuron copies them into out/<name>/ with the generated-by header
 * in front, so what runs here is what ships. Read through the one asset reader (runtimes/assets.ts).
 */
import { fileURLToPath } from "node:url";
import { readAsset } from "../../assets.js";

/** Everything out/<name>/compile/neuron/ needs (validate.py and sidecar.py import traced.py). */
export const COMPILE_PROGRAMS = ["compile.py", "sidecar.py", "traced.py", "validate.py"] as const;
/** What the Neuron server image adds to the Node server. */
export const SERVE_PROGRAMS = ["sidecar.py", "traced.py"] as const;

export type ProgramName = (typeof COMPILE_PROGRAMS)[number];

/** Absolute path of the library's own copy of a program. */
export function programPath(name: ProgramName): string {
  return fileURLToPath(new URL(`./${name}`, import.meta.url));
}

/** The program's text as it is in the library. */
export function programText(name: ProgramName): string {
  return readAsset(import.meta.url, `./${name}`);
}

/** The program with the generated-by header as its first line. */
export function generatedProgram(name: ProgramName, header: string): string {
  return `# ${header}\n${programText(name)}`;
}
