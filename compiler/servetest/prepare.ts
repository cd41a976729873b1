/**
 * Everything `mesh test` and `mesh load` need before a server can start: the project's IR,
 * its generated output brought up to date (generate when needed), and the model to serve —
 * a file given with `--model`, else the version MESH_MODEL_REF names (an id, an alias or
 * latest; resolved by runtimes/serve/model-ref.ts, the serving rule), else the newest compiled
 * (else trained) version in the registry, downloaded (verified) to a temporary folder.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import type { ProjectIR } from "../ir.js";
import { givenModelPath, resolveAppModel } from "../load/app-model-source.js";
import { nodeHost } from "../host.js";
import { hasErrors, type Diagnostic } from "../diagnostics/diagnostic.js";
import { compileProject, compileWorkspace } from "../pipeline.js";
import type { Host } from "../host.js";
import type { Result } from "../diagnostics/diagnostic.js";

export interface PrepareFlags {
  readonly model?: string;
  readonly registry?: string;
}

export interface Prepared {
  readonly ir: ProjectIR;
  readonly root: string;
  /** Absolute `out/<name>/`. */
  readonly projectOut: string;
  /** MESH_* variables naming the model for the server. */
  readonly modelEnv: Readonly<Record<string, string>>;
  /** What is served, for the report: a path or a version id. */
  readonly modelLabel: string;
  /** Removes the temporary model download, if any. */
  cleanup(): void;
}

export type PrepareOutcome = { readonly ok: true; readonly prepared: Prepared } | { readonly ok: false; readonly message: string; readonly diagnostics?: readonly Diagnostic[] };

export async function prepareProject(root: string, name: string, flags: PrepareFlags): Promise<PrepareOutcome> {
  const host = nodeHost(root);
  const compiled = await compileByName(host, name);
  if (!compiled.value) return { ok: false, message: `cannot compile project ${name}`, diagnostics: compiled.diagnostics };
  const ir = compiled.value;

  const [{ checkWorkspaceFile }, { generateWorkspace }] = await Promise.all([import("../validate/check-workspace.js"), import("../generate/generate-workspace.js")]);
  const outDir = checkWorkspaceFile(host).value?.out ?? "out";
  const generated = await generateWorkspace(host, { specPaths: [ir.specPath], outDir, mode: "write" });
  if (!generated.plans || hasErrors(generated.diagnostics)) {
    return { ok: false, message: `cannot generate ${outDir}/${name}`, diagnostics: generated.diagnostics };
  }
  const projectOut = resolve(root, outDir, name);

  if (flags.model !== undefined) {
    const given = givenModelPath(process.cwd(), flags.model);
    if ("message" in given) return { ok: false, message: given.message };
    const path = given.path;
    return { ok: true, prepared: { ir, root, projectOut, modelEnv: { MESH_MODEL_PATH: path }, modelLabel: flags.model, cleanup: () => {} } };
  }

  const app = await resolveAppModel(ir, root);
  if (app) {
    if (!app.ok) return app;
    return { ok: true, prepared: { ir, root, projectOut, modelEnv: { MESH_MODEL_PATH: app.model.path }, modelLabel: app.model.label, cleanup: () => {} } };
  }

  const { openRegistry, resolveRegistryUri, s3OptionsFromWorkspace } = await import("../../runtimes/registry/index.js");
  const uri = resolveRegistryUri(flags.registry, process.env, ir.registry);
  const registry = openRegistry(uri, { cwd: root, s3: s3OptionsFromWorkspace(ir.aws, process.env) });
  const explicit = process.env["MESH_MODEL_REF"]?.trim();
  let alias: string | undefined;
  let ref;
  if (explicit && explicit !== "latest") {
    const { pickModelVersion } = await import("../../runtimes/serve/model-ref.js");
    try {
      const picked = await pickModelVersion(registry, ir.name, explicit, ir.key);
      ref = picked.ref;
      alias = picked.alias;
    } catch (err) {
      return { ok: false, message: `MESH_MODEL_REF: ${err instanceof Error ? err.message : String(err)}` };
    }
  } else {
    ref = await registry.latestServableModel(ir.name, ir.key);
  }
  if (!ref) {
    return { ok: false, message: `no model of ${name} in ${registry.uri}: run \`mesh run ${name} --no-serve\` first, or pass --model PATH` };
  }
  const id = `${ref.key}-${ref.stage}-${ref.version}`;
  const dir = mkdtempSync(join(tmpdir(), `mesh-${name}-model-`));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  try {
    const local = await registry.downloadModel(ref, dir);
    const model = join(local, "model.onnx");
    if (!existsSync(model)) {
      cleanup();
      return { ok: false, message: `${id} in ${registry.uri} has no model.onnx (a Neuron-only version cannot be served by onnxruntime)` };
    }
    const modelEnv = { MESH_MODEL_PATH: model, MESH_MODEL_CARD: join(local, "card.json"), ...(alias ? { MESH_MODEL_ALIAS: alias } : {}) };
    return { ok: true, prepared: { ir, root, projectOut, modelEnv, modelLabel: `${id}${alias ? ` via alias ${alias}` : ""} (${registry.uri})`, cleanup } };
  } catch (err) {
    cleanup();
    throw err;
  }
}

/**
 * The project's IR. Tries the conventional `projects/<name>/project.yaml` alone first (one
 * spec compiled instead of the whole workspace), else searches every spec by name.
 */
async function compileByName(host: Host, name: string): Promise<Result<ProjectIR>> {
  const conventional = `projects/${name}/project.yaml`;
  if (/^[a-z][-a-z0-9]*$/.test(name) && host.fileSize(conventional) !== undefined) {
    const one = await compileWorkspace(host, { specPaths: [conventional] });
    const ir = one.value?.find((p) => p.name === name);
    if (ir) return { value: ir, diagnostics: one.diagnostics };
  }
  return compileProject(host, name);
}
