/**
 * Scratch workspaces for the transformer Neuron tests: the example projects (sentiment, ner,
 * keywords) copied with their model folders, locked with `mesh lock`, under `.mesh/tmp/` of the
 * repository so the generated server resolves the mesh runtimes (package self-reference) as
 * it does under out/. The models are the committed ones (projects/<name>/model, built by
 * scripts/models/build.mjs); MESH_PARITY_MODELS=DIR points at another build (DIR/<name>), as in
 * the transformer parity tests.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { runLock } from "../../../compiler/cli/commands/lock.js";
import { nodeHost } from "../../../compiler/host.js";
import type { ProjectIR } from "../../../compiler/ir.js";
import { compileProject } from "../../../compiler/pipeline.js";
import { REPO } from "./support.js";

export type ExampleName = "sentiment" | "ner" | "keywords";

export function exampleModelDir(name: ExampleName): string {
  const root = process.env["MESH_PARITY_MODELS"];
  return root ? path.resolve(root, name) : path.join(REPO, "projects", name, "model");
}

/** The examples whose model folder exists, in the order sentiment, ner, keywords. */
export function availableExamples(): ExampleName[] {
  return (["sentiment", "ner", "keywords"] as const).filter((n) => modelsPresent([n]));
}

/** True when every model folder the test needs exists (with torchscript.pt for the CPU trace). */
export function modelsPresent(names: readonly ExampleName[]): boolean {
  return names.every((n) => fs.existsSync(path.join(exampleModelDir(n), "torchscript.pt")) && fs.existsSync(path.join(exampleModelDir(n), "model.onnx")));
}

export interface Workspace {
  readonly root: string;
  ir(name: ExampleName): Promise<ProjectIR>;
  remove(): void;
}

/**
 * Copies the projects (each spec passed through `edit`), locks them and returns the workspace.
 * `skipModelFiles` leaves files out of a copied model folder (bad-input tests).
 */
export async function exampleWorkspace(names: readonly ExampleName[], opts: { edit?: (name: ExampleName, spec: string) => string; skipModelFiles?: readonly string[] } = {}): Promise<Workspace> {
  const base = path.join(REPO, ".mesh", "tmp");
  fs.mkdirSync(base, { recursive: true });
  const root = fs.mkdtempSync(path.join(base, "neuron-transformer-"));
  fs.writeFileSync(path.join(root, "mesh.yaml"), "apiVersion: mesh/v1\nkind: Workspace\n");
  for (const name of names) {
    const dir = path.join(root, "projects", name);
    fs.mkdirSync(path.join(dir, "model"), { recursive: true });
    const spec = fs.readFileSync(path.join(REPO, "projects", name, "project.yaml"), "utf8");
    fs.writeFileSync(path.join(dir, "project.yaml"), opts.edit ? opts.edit(name, spec) : spec);
    const from = exampleModelDir(name);
    for (const f of fs.readdirSync(from)) {
      if (opts.skipModelFiles?.includes(f) || !fs.statSync(path.join(from, f)).isFile()) continue;
      fs.copyFileSync(path.join(from, f), path.join(dir, "model", f));
    }
    const code = await runLock(name, {}, root);
    if (code !== 0) throw new Error(`mesh lock ${name} failed in ${root}`);
  }
  return {
    root,
    async ir(name) {
      const r = await compileProject(nodeHost(root), name);
      if (!r.value) throw new Error(`${name} does not compile: ${JSON.stringify(r.diagnostics.map((d) => d.message))}`);
      return r.value;
    },
    remove: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

/** keywords has no Neuron target as shipped; this one (inf1, fixed batch 4) exercises pooled goldens and last-chunk padding. */
export function withKeywordsNeuronTarget(name: ExampleName, spec: string): string {
  if (name !== "keywords") return spec;
  const target = "      - { kind: onnx, optimization: all, quantize: int8 }\n";
  if (!spec.includes(target) || !spec.includes("    port: 8012\n")) throw new Error("projects/keywords/project.yaml changed shape: update withKeywordsNeuronTarget");
  return spec
    .replace(target, `${target}      - { kind: neuron, instance: inf1, batch_size: 4, dynamic_batch: false }\n`)
    .replace("    port: 8012\n", "    port: 8012\n    batching: { max_batch: 4 }\n");
}
