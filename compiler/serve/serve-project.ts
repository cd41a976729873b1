/**
 * `serveProject(opts)`: what `mesh serve NAME` and the end of `mesh run NAME` do — compile
 * the spec, bring `out/NAME/` up to date, pick the model, and run the generated server in a
 * child process (loopback by default) until it is stopped. Returns the exit code.
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { createRequire } from "node:module";
import type { ProjectIR } from "../ir.js";
import { nodeHost } from "../host.js";
import { hasErrors } from "../diagnostics/diagnostic.js";
import { formatDiagnostics } from "../diagnostics/format.js";
import { compileProject } from "../pipeline.js";
import { pickModel } from "./pick-model.js";
import { runChild, type RunChildOptions } from "./run-child.js";

export interface ServeProjectOptions {
  /** Workspace root (absolute). */
  readonly root: string;
  /** The project's IR, or its name to compile. */
  readonly ir?: ProjectIR;
  readonly name?: string;
  readonly port?: number;
  /** Bind address; default 127.0.0.1 (local runs are never exposed unless asked). */
  readonly host?: string;
  /** Serve this ONNX file instead of a registry version (relative to `cwd`). */
  readonly model?: string;
  /** Serve this registry version: an id, an alias or latest (default: MESH_MODEL_REF, then the environment's alias). */
  readonly modelRef?: string;
  /** The environment whose `serve.alias` picks the version (dev, ci, stage, prod). */
  readonly env?: string;
  /** Resolved registry URI; default: MESH_REGISTRY, then the IR's registry. */
  readonly registry?: string;
  readonly cwd?: string;
  /** Where messages go (default stderr) and where the server's logs go (default stdout). */
  readonly err?: NodeJS.WritableStream;
  readonly out?: NodeJS.WritableStream;
  /** Aborting stops the server (SIGTERM: it drains, and the result is its exit code). */
  readonly signal?: AbortSignal;
  /** Turn the server's access log on (MESH_ACCESS_LOG=1) unless the user set MESH_ACCESS_LOG: a person is watching. */
  readonly accessLog?: boolean;
  /** How the server process starts (see run-child.ts); mesh dev hands it to a warm spare. */
  readonly launch?: RunChildOptions["launch"];
  /** Called once the server is ready, with its URL and the model it serves (`mesh dev` swaps on it). */
  readonly onReady?: (ready: { readonly url: string; readonly label: string }) => void;
}

export async function serveProject(opts: ServeProjectOptions): Promise<number> {
  const err = opts.err ?? process.stderr;
  const fail = (message: string) => {
    err.write(`mesh serve: ${message}\n`);
    return 1;
  };
  const host = nodeHost(opts.root);
  let ir = opts.ir;
  if (!ir) {
    const compiled = await compileProject(host, opts.name ?? "");
    if (!compiled.value) {
      err.write(`${formatDiagnostics(compiled.diagnostics)}\n`);
      return 1;
    }
    ir = compiled.value;
  }

  // Bring out/<name>/ up to date (cheap when the generate cache says nothing changed).
  const [{ checkWorkspaceFile }, { generateWorkspace }] = await Promise.all([import("../validate/check-workspace.js"), import("../generate/generate-workspace.js")]);
  const outDir = checkWorkspaceFile(host).value?.out ?? "out";
  const generated = await generateWorkspace(host, { specPaths: [ir.specPath], outDir, mode: "write" });
  if (!generated.plans || hasErrors(generated.diagnostics)) {
    err.write(`${formatDiagnostics(generated.diagnostics)}\n`);
    return fail(`cannot generate ${outDir}/${ir.name}`);
  }
  const mainJs = resolve(opts.root, outDir, ir.name, "serve", "main.js");
  if (!existsSync(mainJs)) return fail(`${outDir}/${ir.name}/serve/main.js was not generated`);
  // The generated server imports the built runtime (package self-reference mesh/runtimes/…).
  let runtime: string | undefined;
  try {
    runtime = createRequire(mainJs).resolve("mesh/runtimes/serve/index.js");
  } catch {
    runtime = undefined;
  }
  if (!runtime || !existsSync(runtime)) return fail("the serving runtime is not built or not found from the generated code: run `npm run build` in the mesh repository first");

  // The pick order: --model-ref, MESH_MODEL_REF, the environment's alias, the newest version.
  // The registry stays the local one (--registry > MESH_REGISTRY > the spec's dev registry):
  // `mesh serve` runs on loopback, and --env chooses which version that environment serves.
  const environment = opts.env === undefined ? undefined : ir.environments.find((e) => e.name === opts.env);
  if (opts.env !== undefined && !environment) return fail(`${ir.name} has no environment ${JSON.stringify(opts.env)} (environments: ${ir.environments.map((e) => e.name).join(", ")})`);
  const explicitRef = opts.modelRef?.trim() || process.env["MESH_MODEL_REF"]?.trim() || undefined;
  const ref = explicitRef
    ? { modelRef: explicitRef, refSource: opts.modelRef?.trim() ? "--model-ref" : "MESH_MODEL_REF" }
    : environment
      ? { modelRef: environment.modelRef, refSource: `environment ${environment.name}` }
      : {};
  if (opts.model !== undefined && explicitRef) return fail("--model serves a file; it cannot be combined with --model-ref or MESH_MODEL_REF");
  const registry = opts.registry ?? (process.env["MESH_REGISTRY"] || ir.registry);
  const picked = await pickModel(ir, { root: opts.root, cwd: opts.cwd ?? process.cwd(), registry, ...(opts.model !== undefined ? { model: opts.model } : {}), ...ref }).catch((e: unknown) => ({
    ok: false as const,
    message: e instanceof Error ? e.message : String(e),
  }));
  if (!picked.ok) return fail(picked.message);

  // The user's MESH_* settings pass through (the server validates them); these win.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MESH_HOST: opts.host ?? "127.0.0.1",
    MESH_PORT: String(opts.port ?? ir.serve.hostPort),
    MESH_MODEL_PATH: picked.model.modelPath,
    MESH_MODEL_CARD: picked.model.cardPath,
  };
  // The reference is resolved here (downloaded once, cached); the server gets the file and the alias.
  delete env["MESH_MODEL_REF"];
  if (picked.model.alias) env["MESH_MODEL_ALIAS"] = picked.model.alias;
  else delete env["MESH_MODEL_ALIAS"];
  if (!env["MESH_MODEL_CARD"]) delete env["MESH_MODEL_CARD"];
  if (opts.accessLog && !env["MESH_ACCESS_LOG"]) env["MESH_ACCESS_LOG"] = "1";
  const base = ir.serve.api.basePath;
  err.write(`mesh serve: starting ${ir.name} with ${picked.model.label}\n`);
  return runChild({
    mainJs,
    cwd: opts.root,
    env,
    ...(opts.out ? { out: opts.out } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
    ...(opts.launch ? { launch: opts.launch } : {}),
    onReady: (url) => {
      err.write(`mesh serve: ${ir.name} is ready at ${url}${base}/predict (docs ${url}${base}/docs, V2 ${url}/v2/models/${ir.name}); Ctrl-C stops it\n`);
      opts.onReady?.({ url, label: picked.model.label });
    },
  });
}
