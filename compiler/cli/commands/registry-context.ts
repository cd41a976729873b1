/**
 * What every `mesh registry …` command shares: where it runs (a context tests replace), and
 * opening the registry the workspace names with one-sentence errors (exit 1).
 */
import type { ProjectIR } from "../../ir.js";
import type { MeshRegistry } from "../../../runtimes/registry/index.js";

export interface RegistryFlags {
  readonly registry?: string;
  readonly format: "text" | "json";
  readonly project?: string;
}

/** Where the command runs and writes; tests pass their own. */
export interface RegistryContext {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

export const processContext = (): RegistryContext => ({
  cwd: process.cwd(),
  env: process.env,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
});

export type Libs = {
  registry: typeof import("../../../runtimes/registry/index.js");
  inspect: typeof import("../../../runtimes/registry/inspect.js");
  text: typeof import("../../../runtimes/registry/inspect-text.js");
};

export async function withRegistry(project: string | undefined, flags: RegistryFlags, ctx: RegistryContext, body: (reg: MeshRegistry, lib: Libs) => Promise<void>): Promise<number> {
  const [registry, inspect, text] = await Promise.all([
    import("../../../runtimes/registry/index.js"),
    import("../../../runtimes/registry/inspect.js"),
    import("../../../runtimes/registry/inspect-text.js"),
  ]);
  const fail = (message: string) => {
    ctx.stderr(`mesh registry: ${message}\n`);
    return 1;
  };
  try {
    const settings = await workspaceSettings(project, flags, ctx);
    if ("error" in settings) return fail(settings.error);
    const uri = registry.resolveRegistryUri(flags.registry, ctx.env, settings.registry);
    const reg = registry.openRegistry(uri, { cwd: settings.root, env: ctx.env, s3: registry.s3OptionsFromWorkspace(settings.aws, ctx.env) });
    await body(reg, { registry, inspect, text });
    return 0;
  } catch (err) {
    if (registry.isRegistryError(err)) return fail(err.message);
    throw err;
  }
}

/** The registry URI and S3 settings the workspace's specs give (mesh.yaml, project overrides). */
async function workspaceSettings(project: string | undefined, flags: RegistryFlags, ctx: RegistryContext): Promise<{ root: string; registry?: string; aws?: ProjectIR["aws"] } | { error: string }> {
  const [{ findWorkspaceRoot }, { nodeHost }, { compileWorkspace }] = await Promise.all([import("../workspace.js"), import("../../host.js"), import("../../pipeline.js")]);
  const root = findWorkspaceRoot(ctx.cwd);
  const explicit = Boolean(flags.registry?.trim() || ctx.env.MESH_REGISTRY?.trim());
  const compiled = await compileWorkspace(nodeHost(root));
  const irs = compiled.value ?? [];
  if (!compiled.value) {
    if (!explicit) ctx.stderr(`mesh registry: warning: the specs have errors (run mesh validate), so their registry setting is ignored\n`);
    return { root };
  }
  const ir = irs.find((p) => p.name === project);
  if (ir) return { root, registry: ir.registry, aws: ir.aws };
  const registries = [...new Set(irs.map((p) => p.registry))];
  if (registries.length > 1 && !explicit) {
    return { error: `the projects use different registries (${irs.map((p) => `${p.name}: ${p.registry}`).join(", ")}); name a PROJECT or pass --registry` };
  }
  return { root, ...(registries[0] ? { registry: registries[0] } : {}), ...(irs[0] ? { aws: irs[0].aws } : {}) };
}
