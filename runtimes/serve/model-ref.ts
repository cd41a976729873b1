/**
 * MESH_MODEL_REF: download one model version from the registry at start-up into
 * `.mesh/cache/<id>/` (verified against the card's hashes by the registry client).
 * The reference is one of:
 *
 *   SPAM-COMPILED-3         that version
 *   production              the version the alias points at now (an unset alias is an error:
 *                           serving something else instead is exactly what an alias prevents)
 *   latest, KEY-STAGE-latest the newest servable version (COMPILED with model.onnx, else TRAINED)
 *
 * Ids are upper-case and aliases lower-case, so the forms never collide. This is the one
 * place the rule lives: `mesh serve` (compiler/serve/pick-model.ts) resolves through it too.
 */
import { join, resolve } from "node:path";
import type { MeshRegistry, ModelRef, ModelStage, Registry } from "../registry/types.js";
import { modelId } from "../registry/types.js";
import { aliasProblem } from "../registry/aliases.js";

export interface FetchedModel {
  readonly id: string;
  /** The alias the reference named, when it named one. */
  readonly alias?: string;
  readonly modelPath: string;
  readonly cardPath: string;
}

const REF = /^([A-Z][A-Z0-9_]*)-(TRAINED|COMPILED)-(\d+)$/;

/** Resolves a reference (see the module comment) to a version, and the alias it went through. */
export async function pickModelVersion(registry: Registry, project: string, ref: string, key?: string): Promise<{ ref: ModelRef; alias?: string }> {
  if (aliasProblem(ref) === undefined) {
    const resolve = (registry as Partial<MeshRegistry>).resolveAlias;
    if (typeof resolve !== "function") throw new Error(`model reference ${ref} names an alias, but the registry ${registry.uri} has no aliases`);
    const target = await resolve.call(registry, project, ref);
    if (!target) throw new Error(`alias ${ref} of ${project} is not set in ${registry.uri}: point it at a version with \`mesh registry promote ID --alias ${ref}\` (or serve latest)`);
    return { ref: target, alias: ref };
  }
  return { ref: await pickVersion(registry, project, ref, key) };
}

/** Parses `KEY-STAGE-N`; `latest` and `KEY-STAGE-latest` are resolved against the registry. */
export async function pickVersion(registry: Registry, project: string, ref: string, key?: string): Promise<ModelRef> {
  const m = REF.exec(ref);
  if (m) return { project, key: m[1]!, stage: m[2] as ModelStage, version: Number(m[3]) };
  const latest = /^(?:([A-Z][A-Z0-9_]*)-(TRAINED|COMPILED)-)?(?:latest|newest)$/.exec(ref);
  if (!latest) throw new Error(`invalid model reference ${JSON.stringify(ref)}: expected KEY-STAGE-N (e.g. SPAM-COMPILED-3), an alias (e.g. production) or latest`);
  const k = latest[1] ?? key ?? (await soleKey(registry, project)) ?? project.toUpperCase().replace(/[^A-Z0-9]/g, "_");
  const stages: ModelStage[] = latest[2] ? [latest[2] as ModelStage] : ["COMPILED", "TRAINED"];
  const servable = (registry as Partial<MeshRegistry>).latestServableModel;
  if (!latest[2] && typeof servable === "function") {
    const ref = await servable.call(registry, project, k);
    if (ref) return ref;
  }
  for (const stage of stages) {
    const versions = await registry.listModelVersions(project, k, stage);
    const newest = versions[versions.length - 1];
    if (newest !== undefined) return { project, key: k, stage, version: newest };
  }
  throw new Error(`the registry ${registry.uri} has no ${stages.join(" or ")} version of ${project} (key ${k})`);
}

/** The project's model key when the registry lists exactly one (the definition does not carry it). */
async function soleKey(registry: Registry, project: string): Promise<string | undefined> {
  const list = (registry as Partial<MeshRegistry>).listModels;
  if (typeof list !== "function") return undefined;
  const keys = new Set((await list.call(registry, project)).map((m) => m.key));
  return keys.size === 1 ? [...keys][0] : undefined;
}

export async function resolveModelRef(project: string, ref: string, registryUri: string, cacheRoot = ".mesh/cache"): Promise<FetchedModel> {
  if (!registryUri) throw new Error("MESH_MODEL_REF needs MESH_REGISTRY (file://… or s3://…)");
  // Loaded only when used: the registry client pulls in the S3 SDK.
  const { openRegistry } = (await import("../registry/index.js")) as { openRegistry: (uri: string) => Registry | Promise<Registry> };
  const registry = await openRegistry(registryUri);
  const picked = await pickModelVersion(registry, project, ref);
  const id = modelId(picked.ref);
  const dir = await registry.downloadModel(picked.ref, resolve(join(cacheRoot, id)));
  return { id, ...(picked.alias ? { alias: picked.alias } : {}), modelPath: join(dir, "model.onnx"), cardPath: join(dir, "card.json") };
}
