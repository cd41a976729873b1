/**
 * Which model `mesh serve` serves: `--model PATH`; else an App's own model file; else the
 * newest COMPILED version in the registry, else the newest TRAINED one — downloaded
 * (verified) once into `.mesh/cache/<id>/` and reused while its files still match the card.
 */
import { existsSync, readFileSync, renameSync, rmSync, mkdirSync } from "node:fs";
import { createHash } from "node:crypto";
import { dirname, join } from "node:path";
import type { ProjectIR } from "../ir.js";
import { givenModelPath, resolveAppModel } from "../load/app-model-source.js";

export interface PickedModel {
  /** Absolute model path and card path ("" when there is no card). */
  readonly modelPath: string;
  readonly cardPath: string;
  /** For messages: a path or `SPAM-COMPILED-3 (file://…)`. */
  readonly label: string;
}

export type PickOutcome = { readonly ok: true; readonly model: PickedModel } | { readonly ok: false; readonly message: string };

export interface PickOptions {
  readonly root: string;
  readonly cwd: string;
  readonly model?: string;
  /** Already resolved registry URI (flag > MESH_REGISTRY > mesh.yaml > default). */
  readonly registry: string;
}

const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

/** True when `dir` holds a complete copy: card.json present and every file matches its hash. */
function cachedCopyIsComplete(dir: string): boolean {
  try {
    const card = JSON.parse(readFileSync(join(dir, "card.json"), "utf8")) as { files?: Record<string, string> };
    const files = Object.entries(card.files ?? {});
    return files.length > 0 && files.every(([rel, hash]) => existsSync(join(dir, rel)) && sha256(join(dir, rel)) === hash);
  } catch {
    return false;
  }
}

export async function pickModel(ir: ProjectIR, opts: PickOptions): Promise<PickOutcome> {
  if (opts.model !== undefined) {
    const given = givenModelPath(opts.cwd, opts.model);
    if ("message" in given) return { ok: false, message: given.message };
    const path = given.path;
    const card = join(dirname(path), "card.json");
    return { ok: true, model: { modelPath: path, cardPath: existsSync(card) ? card : "", label: opts.model } };
  }
  const app = await resolveAppModel(ir, opts.root);
  if (app) return app.ok ? { ok: true, model: { modelPath: app.model.path, cardPath: "", label: app.model.label } } : app;
  const { openRegistry, s3OptionsFromWorkspace } = await import("../../runtimes/registry/index.js");
  const registry = openRegistry(opts.registry, { cwd: opts.root, s3: s3OptionsFromWorkspace(ir.aws, process.env) });
  const ref = await registry.latestServableModel(ir.name, ir.key);
  if (!ref) return { ok: false, message: `no model of ${ir.name} in ${registry.uri}: run \`mesh run ${ir.name} --no-serve\` first, or pass --model PATH` };
  const id = `${ref.key}-${ref.stage}-${ref.version}`;
  const dir = join(opts.root, ".mesh/cache", id);
  if (!cachedCopyIsComplete(dir)) {
    // Download beside the final folder, then rename: a half-written cache is never used.
    const partial = `${dir}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    try {
      await registry.downloadModel(ref, partial);
      rmSync(dir, { recursive: true, force: true });
      renameSync(partial, dir);
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
  }
  const modelPath = join(dir, "model.onnx");
  if (!existsSync(modelPath)) return { ok: false, message: `${id} in ${registry.uri} has no model.onnx (a Neuron-only version cannot be served by onnxruntime)` };
  return { ok: true, model: { modelPath, cardPath: join(dir, "card.json"), label: `${id} (${registry.uri})` } };
}
