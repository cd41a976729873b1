/**
 * Where an App's externally maintained model is on this machine, for `mesh serve`, `mesh
 * test` and `mesh build` alike: resolved by the one model-source resolver (runtimes/models),
 * verified against model.lock.json (a transformer folder) or the spec's sha256 (one file).
 * Remote sources land in the shared download cache, so they are fetched once.
 */
import { statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import type { ProjectIR } from "../ir.js";

export interface AppModel {
  /** Absolute path of the model file, or of the model folder of a transformer. */
  readonly path: string;
  /** For messages: the spec's URI. */
  readonly label: string;
}

export type AppModelOutcome = { readonly ok: true; readonly model: AppModel } | { readonly ok: false; readonly message: string };

/** undefined for a Project (its model comes from the registry). */
export async function resolveAppModel(ir: ProjectIR, root: string, env: NodeJS.ProcessEnv = process.env): Promise<AppModelOutcome | undefined> {
  if (ir.kind !== "App") return undefined;
  const m = ir.model;
  const t = m.kind === "transformer" ? m.transformer : undefined;
  const source = t ? t.source : m.source;
  const [{ resolveModelSource, lockOfPinned }, { s3OptionsFromWorkspace }] = await Promise.all([import("../../runtimes/models/index.js"), import("../../runtimes/registry/index.js")]);
  const lock = t ? lockOfPinned(t.source) : undefined;
  try {
    const resolved = await resolveModelSource(source.uri, {
      root,
      baseDir: resolve(root, dirname(ir.specPath)),
      cacheDir: join(root, ".mesh/cache/models"),
      s3: s3OptionsFromWorkspace(ir.aws, env),
      env,
      ...(lock ? { lock } : {}),
    });
    const pinned = m.kind === "external" ? m.source.sha256 : undefined;
    if (!t && pinned && resolved.files[0]?.sha256 !== pinned) return { ok: false, message: `the App's model ${resolved.path} does not match its sha256 in the spec` };
    return { ok: true, model: { path: resolved.path, label: source.uri } };
  } catch (err) {
    return { ok: false, message: `the App's model ${source.uri}: ${(err as Error).message}` };
  }
}

/**
 * A `--model PATH` given on the command line: an existing regular file (an .onnx) or a model
 * folder. Anything else — a FIFO, a device, a socket — is refused before a server waits on it.
 */
export function givenModelPath(cwd: string, given: string): { readonly path: string } | { readonly message: string } {
  const path = resolve(cwd, given);
  let st;
  try {
    st = statSync(path);
  } catch {
    return { message: `model file ${given} does not exist` };
  }
  if (!st.isFile() && !st.isDirectory()) return { message: `--model ${given} is not a regular file or a model folder` };
  return { path };
}
