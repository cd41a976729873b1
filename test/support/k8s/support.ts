/**
 * Helpers of the k8s suite: the example projects' IRs (compiled from the real specs) and their
 * generated k8s files, memoized per project.
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";
import { compileProject } from "../../../compiler/pipeline.js";
import { nodeHost } from "../../../compiler/host.js";
import type { GeneratedFile, ProjectIR } from "../../../compiler/ir.js";
import { generateK8s } from "../../../generators/k8s/index.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
export const EXAMPLES = ["spam", "iris", "colors"] as const;

const irs = new Map<string, ProjectIR>();

export async function exampleIr(name: string): Promise<ProjectIR> {
  const hit = irs.get(name);
  if (hit) return hit;
  const result = await compileProject(nodeHost(ROOT), name);
  if (!result.value) throw new Error(`${name} does not compile: ${JSON.stringify(result.diagnostics)}`);
  irs.set(name, result.value);
  return result.value;
}

export const k8sFiles = (ir: ProjectIR): GeneratedFile[] => generateK8s(ir);

/** Parses one generated YAML file (a single document) to plain data. */
export function parseYaml(file: GeneratedFile): Record<string, unknown> {
  const docs = parseAllDocuments(file.contents);
  if (!Array.isArray(docs) || docs.length !== 1) throw new Error(`${file.path}: expected one YAML document`);
  const doc = docs[0]!;
  if (doc.errors.length > 0) throw new Error(`${file.path}: ${doc.errors[0]!.message}`);
  return doc.toJS() as Record<string, unknown>;
}

export const byPath = (files: readonly GeneratedFile[], p: string): GeneratedFile => {
  const f = files.find((x) => x.path === p);
  if (!f) throw new Error(`no generated ${p} (have ${files.map((x) => x.path).join(", ")})`);
  return f;
};
