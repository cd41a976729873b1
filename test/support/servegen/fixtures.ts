/**
 * IRs the servegen tests generate from: the example projects (through the real compiler
 * front half) and an App, lowered here with an explicit ONNX signature (an App's signature
 * is read from its model file by the compiler before lowering).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { nodeHost } from "../../../compiler/host.js";
import type { GeneratedFile, ProjectIR } from "../../../compiler/ir.js";
import { lower } from "../../../compiler/lower/lower.js";
import { compileProject } from "../../../compiler/pipeline.js";
import { MESH_VERSION } from "../../../compiler/version.js";
import { projectSpecSchema } from "../../../schemas/project.js";

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export async function exampleIR(name: string): Promise<ProjectIR> {
  const result = await compileProject(nodeHost(REPO), name);
  if (!result.value) throw new Error(`cannot compile ${name}: ${result.diagnostics.map((d) => d.message).join("; ")}`);
  return result.value;
}

/** An App serving an externally maintained 8 → 3 classifier with labels. */
export function appIR(opts: { labels?: readonly string[]; datatype?: "FP32" | "INT64" } = {}): ProjectIR {
  const spec = projectSpecSchema.parse({
    apiVersion: "mesh/v1",
    kind: "App",
    name: "sensor",
    key: "SENSOR",
    description: "An external sensor model",
    model: { source: { uri: "file://model.onnx" }, ...(opts.labels ? { labels: [...opts.labels] } : {}) },
    steps: {
      serve: {
        port: 8002,
        limits: { max_rows: 16 },
        examples: [{ name: "zeros", attributes: { features: [0, 0, 0, 0, 0, 0, 0, 0] } }],
      },
    },
  });
  return lower({
    spec,
    specPath: "projects/sensor/project.yaml",
    meshVersion: MESH_VERSION,
    appSignature: {
      inputs: [{ name: "features", datatype: opts.datatype ?? "FP32", shape: [-1, 8] }],
      outputs: [{ name: "probabilities", datatype: "FP32", shape: [-1, 3] }],
    },
  });
}

/**
 * Writes generated files under `<repo>/.mesh/tmp/` (inside the package, so the generated
 * code's `mesh/runtimes/…` self-reference resolves exactly as it does under `out/`).
 */
export function writeTree(files: readonly GeneratedFile[], prefix: string): string {
  const base = join(REPO, ".mesh", "tmp");
  mkdirSync(base, { recursive: true });
  const dir = mkdtempSync(join(base, `servegen-${prefix}-`));
  written.push(dir);
  for (const f of files) {
    const p = join(dir, f.path);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, f.contents, { mode: f.mode });
  }
  return dir;
}

const written: string[] = [];

/** Removes every folder `writeTree` made in this test file (call from afterAll). */
export function removeTrees(): void {
  for (const dir of written.splice(0)) rmSync(dir, { recursive: true, force: true });
}
