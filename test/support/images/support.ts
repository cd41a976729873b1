/** Shared helpers of the image tests: the example projects' IR, compiled from the real specs. */
import { resolve } from "node:path";
import type { ProjectIR } from "../../../compiler/ir.js";
import { nodeHost } from "../../../compiler/host.js";
import { compileProject } from "../../../compiler/pipeline.js";

export const ROOT = resolve(import.meta.dirname, "../../..");

export async function projectIR(name: string, root = ROOT): Promise<ProjectIR> {
  const r = await compileProject(nodeHost(root), name);
  if (!r.value) throw new Error(`cannot compile ${name}: ${r.diagnostics.map((d) => d.message).join("; ")}`);
  return r.value;
}

/** Dockerfile instructions (comments and blank lines dropped), as [OP, rest]. */
export function instructions(dockerfile: string): [string, string][] {
  return dockerfile
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("#"))
    .map((l) => {
      const i = l.indexOf(" ");
      return [l.slice(0, i), l.slice(i + 1)];
    });
}

/**
 * Reads a double-quoted Dockerfile word back the way Docker's lexer does inside quotes
 * (`\\`, `\"` and `\$` are escapes; everything else is literal).
 */
export function unquoteWord(word: string): string {
  if (!word.startsWith('"') || !word.endsWith('"')) throw new Error(`not a quoted word: ${word}`);
  return word.slice(1, -1).replace(/\\([\\"$])/g, "$1");
}

/** `key="value"` pairs of a LABEL/ENV line, values unquoted. */
export function pairs(rest: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of rest.matchAll(/([A-Za-z0-9_.-]+)=("(?:[^"\\]|\\.)*")/g)) out.set(m[1]!, unquoteWord(m[2]!));
  return out;
}
