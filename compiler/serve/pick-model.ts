/**
 * Which model `mesh serve` serves: `--model PATH`; else an App's own model file; else a
 * registry version, picked in this order — an explicit `--model-ref` / MESH_MODEL_REF (an
 * id, an alias or `latest`), then the alias the chosen environment names
 * (`environments.<env>.serve.alias`, lowered into the environment's `modelRef`), then the
 * newest servable version (COMPILED with model.onnx, else TRAINED). The reference is resolved
 * by the serving runtime's own rule (runtimes/serve/model-ref.ts), and the version is downloaded
 * (verified) once into `.mesh/cache/serve/<registry>/<id>-<card>/` and reused while it still
 * matches the registry's card.
 *
 * The cache folder is keyed by the registry's identity (a file registry's real path, an S3
 * bucket/prefix and endpoint) and by the sha256 of the version's card, which lists the sha256
 * of every file: a version id alone names different models in different registries (and in a
 * registry that was deleted and refilled). Before a cached copy is used, its card must equal
 * the card the registry holds now, byte for byte, and every file must still hash to it.
 */
import { existsSync, readFileSync, realpathSync, renameSync, rmSync, mkdirSync } from "node:fs";
import { createHash } from "node:crypto";
import { dirname, isAbsolute, join, resolve } from "node:path";
import type { ProjectIR } from "../ir.js";
import { givenModelPath, resolveAppModel } from "../load/app-model-source.js";
import { jsonBytes } from "../../runtimes/support/canonical-json.js";
import type { ModelCard, ModelRef } from "../../runtimes/registry/types.js";

export interface PickedModel {
  /** Absolute model path and card path ("" when there is no card). */
  readonly modelPath: string;
  readonly cardPath: string;
  /** For messages: a path or `SPAM-COMPILED-3 (file://…)`. */
  readonly label: string;
  /** The alias the version was picked through, when it was (MESH_MODEL_ALIAS of the server). */
  readonly alias?: string;
}

export type PickOutcome = { readonly ok: true; readonly model: PickedModel } | { readonly ok: false; readonly message: string };

export interface PickOptions {
  readonly root: string;
  readonly cwd: string;
  readonly model?: string;
  /** Already resolved registry URI (flag > MESH_REGISTRY > mesh.yaml > default). */
  readonly registry: string;
  /** The reference to serve (explicit, or the environment's), e.g. SPAM-COMPILED-1, production, latest. */
  readonly modelRef?: string;
  /** Where modelRef came from, for messages (e.g. "MESH_MODEL_REF", "environment prod"). */
  readonly refSource?: string;
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** Where downloaded registry versions are kept, below the workspace root. */
export const SERVE_CACHE = ".mesh/cache/serve";

/**
 * The registry's identity for cache keys: a file registry's real absolute path (relative URIs
 * resolve from the workspace root), an S3 registry's bucket and prefix plus its endpoint.
 */
export function registryIdentity(uri: string, root: string, s3Endpoint: string | undefined): string {
  if (uri.startsWith("file://")) {
    const p = uri.slice("file://".length);
    const abs = isAbsolute(p) ? resolve(p) : resolve(root, p);
    let real = abs;
    try {
      real = realpathSync.native(abs);
    } catch {
      // not created yet: the path as written
    }
    return `file://${real}`;
  }
  return `${uri.replace(/\/+$/, "")}@${s3Endpoint ?? "aws"}`;
}

/** The cache folder of one version: `.mesh/cache/serve/<registry hash>/<id>-<card hash>`. */
export function servedCopyDir(root: string, registry: string, id: string, cardBytes: Uint8Array): string {
  return join(root, SERVE_CACHE, sha256(Buffer.from(registry, "utf8")).slice(0, 16), `${id}-${sha256(cardBytes).slice(0, 16)}`);
}

/** True when `dir` holds exactly the version `card` describes: the same card bytes, every file present with its sha256. */
function copyMatches(dir: string, card: ModelCard, cardBytes: Uint8Array): boolean {
  try {
    if (!Buffer.from(readFileSync(join(dir, "card.json"))).equals(Buffer.from(cardBytes))) return false;
    const files = Object.entries(card.files);
    return files.length > 0 && files.every(([rel, hash]) => existsSync(join(dir, rel)) && sha256(readFileSync(join(dir, rel))) === hash);
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
  const s3 = s3OptionsFromWorkspace(ir.aws, process.env);
  const registry = openRegistry(opts.registry, { cwd: opts.root, s3 });
  let ref: ModelRef | undefined;
  let alias: string | undefined;
  const refPrefix = opts.refSource ? `${opts.refSource}: ` : "";
  if (opts.modelRef !== undefined && opts.modelRef !== "latest") {
    const { pickModelVersion } = await import("../../runtimes/serve/model-ref.js");
    try {
      const picked = await pickModelVersion(registry, ir.name, opts.modelRef, ir.key);
      ref = picked.ref;
      alias = picked.alias;
    } catch (err) {
      return { ok: false, message: `${refPrefix}${err instanceof Error ? err.message : String(err)}` };
    }
  } else {
    ref = await registry.latestServableModel(ir.name, ir.key);
  }
  if (!ref) return { ok: false, message: `no model of ${ir.name} in ${registry.uri}: run \`mesh run ${ir.name} --no-serve\` first, or pass --model PATH` };
  const id = `${ref.key}-${ref.stage}-${ref.version}`;
  // The registry's card is the truth: the cache is keyed by it and checked against it.
  // An explicit KEY-STAGE-N that does not exist is found here, by the one read a pick needs anyway.
  let card: ModelCard;
  try {
    card = await registry.readModelCard(ref);
  } catch (err) {
    if ((err as { code?: unknown }).code === "not-found") return { ok: false, message: `${refPrefix}no version ${id} of ${ir.name} in ${registry.uri}` };
    throw err;
  }
  const cardBytes = jsonBytes(card);
  const identity = registryIdentity(opts.registry, opts.root, s3.endpoint);
  const dir = servedCopyDir(opts.root, identity, id, cardBytes);
  if (!copyMatches(dir, card, cardBytes)) {
    // Download beside the final folder, then rename: a half-written cache is never used.
    const partial = `${dir}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial, { recursive: true });
    try {
      await registry.downloadModel(ref, partial);
      if (!copyMatches(partial, card, cardBytes)) return { ok: false, message: `${id} in ${registry.uri} changed while it was downloaded; run mesh serve again` };
      rmSync(dir, { recursive: true, force: true });
      renameSync(partial, dir);
    } finally {
      rmSync(partial, { recursive: true, force: true });
    }
  }
  const modelPath = join(dir, "model.onnx");
  if (!existsSync(modelPath)) return { ok: false, message: `${id} in ${registry.uri} has no model.onnx (a Neuron-only version cannot be served by onnxruntime)` };
  return { ok: true, model: { modelPath, cardPath: join(dir, "card.json"), label: `${id}${alias ? ` via alias ${alias}` : ""} (${registry.uri})`, ...(alias ? { alias } : {}) } };
}
