/**
 * The model a serve image bakes in: `--model PATH` (an .onnx file, with its card.json beside
 * it when present), else an App's own model (resolved and verified like `mesh serve` does),
 * else the version MESH_MODEL_REF names (an id, an alias or latest: the serving rule of
 * runtimes/serve/model-ref.ts), else the newest COMPILED version in the registry, else the newest TRAINED one. Registry
 * bytes are read through the registry, which verifies them against the card.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { ProjectIR } from "../ir.js";
import { openRegistry, type S3Options } from "../../runtimes/registry/index.js";
import { modelId, type ModelRef, type ModelStage, type Registry } from "../../runtimes/registry/types.js";
import { canonicalJson, sha256Hex } from "../../generators/support/canonical-json.js";
import { BuildError } from "./errors.js";
import { resolveAppModel } from "../load/app-model-source.js";

export interface ModelPick {
  /** Shown in the `dev.mesh.model-version` label, e.g. SPAM-COMPILED-3 or file:model.onnx@1a2b3c4d5e6f. */
  readonly version: string;
  /** The model's files by path inside the model folder: model.onnx, and a transformer's tokenizer and config. */
  readonly files: Readonly<Record<string, Uint8Array>>;
  readonly card: Uint8Array;
}

export interface ModelSourceOptions {
  readonly root: string;
  readonly registryUri: string;
  readonly modelPath?: string;
  /** S3 settings from mesh.yaml and the AWS environment (s3:// registries). */
  readonly s3?: S3Options;
  /** The version to bake (an id, an alias or latest); default MESH_MODEL_REF, then the newest. */
  readonly modelRef?: string;
}

function fromFile(root: string, path: string): ModelPick {
  const abs = resolve(root, path);
  if (!existsSync(abs)) throw new BuildError(`--model ${path}: no such file`);
  const onnx = readFileSync(abs);
  const cardPath = join(dirname(abs), "card.json");
  const version = `file:${basename(abs)}@${sha256Hex(onnx).slice(0, 12)}`;
  const card = existsSync(cardPath) ? readFileSync(cardPath) : Buffer.from(canonicalJson({ id: version, source: basename(abs) }, true));
  return { version, files: { "model.onnx": onnx }, card };
}

/** An App's model file (staged as model.onnx) or folder (staged whole, hidden files aside). */
function fromApp(path: string, label: string, folder: boolean): ModelPick {
  const files: Record<string, Uint8Array> = {};
  if (!folder) files["model.onnx"] = readFileSync(path);
  else for (const rel of listFolder(path)) files[rel] = readFileSync(join(path, rel));
  const version = `${label}@${sha256Hex(canonicalJson(Object.fromEntries(Object.entries(files).map(([k, v]) => [k, sha256Hex(v)])))).slice(0, 12)}`;
  return { version, files, card: Buffer.from(canonicalJson({ id: version, source: label }, true)) };
}

function listFolder(dir: string, prefix = ""): string[] {
  return readdirSync(join(dir, prefix), { withFileTypes: true })
    .filter((e) => !e.name.startsWith("."))
    .flatMap((e) => (e.isDirectory() ? listFolder(dir, `${prefix}${e.name}/`) : e.isFile() ? [`${prefix}${e.name}`] : []))
    .sort();
}

function servedGraph(ir: ProjectIR): string {
  return ir.model.transformer?.modelFile ?? "model.onnx";
}

/**
 * A registry version as the serve image bakes it: everything but its golden test files (a
 * transformer needs its tokenizer and config). Undefined when the version has no graph this
 * project serves.
 */
async function versionPick(registry: Registry, ref: ModelRef, ir: ProjectIR): Promise<ModelPick | undefined> {
  const card = await registry.readModelCard(ref);
  if (!(servedGraph(ir) in card.files)) return undefined;
  const files: Record<string, Uint8Array> = {};
  for (const rel of Object.keys(card.files).sort()) if (!rel.startsWith("test_files/")) files[rel] = await registry.readModelFile(ref, rel);
  return { version: modelId(ref), files, card: Buffer.from(canonicalJson(card, true)) };
}

/** Picks the model for `ir`'s serve image; one clear sentence when there is none. */
export async function pickModel(ir: ProjectIR, options: ModelSourceOptions): Promise<ModelPick> {
  if (options.modelPath) return fromFile(options.root, options.modelPath);
  const app = await resolveAppModel(ir, options.root);
  if (app && !app.ok) throw new BuildError(app.message);
  if (app?.ok) return fromApp(app.model.path, app.model.label, ir.model.transformer !== undefined);
  const registry = openRegistry(options.registryUri, { cwd: options.root, ...(options.s3 ? { s3: options.s3 } : {}) });
  const explicit = (options.modelRef ?? process.env["MESH_MODEL_REF"])?.trim();
  if (explicit && explicit !== "latest") {
    const { pickModelVersion } = await import("../../runtimes/serve/model-ref.js");
    const picked = await pickModelVersion(registry, ir.name, explicit, ir.key).catch((err: unknown) => {
      throw new BuildError(`MESH_MODEL_REF: ${err instanceof Error ? err.message : String(err)}`);
    });
    const pick = await versionPick(registry, picked.ref, ir);
    if (!pick) throw new BuildError(`MESH_MODEL_REF: ${modelId(picked.ref)} has no ${servedGraph(ir)} to bake into the serve image`);
    return pick;
  }
  for (const stage of ["COMPILED", "TRAINED"] as const satisfies readonly ModelStage[]) {
    const ref = await registry.latestModel(ir.name, ir.key, stage);
    if (!ref) continue;
    const pick = await versionPick(registry, ref, ir);
    if (pick) return pick; // none: e.g. a Neuron-only compiled version
  }
  throw new BuildError(`no trained or compiled ${ir.name} model in ${options.registryUri}: run \`mesh run ${ir.name} --no-serve\` first, or pass --model PATH to an .onnx file`);
}
