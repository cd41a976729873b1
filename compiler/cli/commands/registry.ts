/**
 * `mesh registry ls [PROJECT] [--registry URI] [--format text|json]` and
 * `mesh registry show ID [--project P] [--registry URI] [--format text|json]`: look inside
 * the model registry (CONTRACTS.md; exit 0 ok · 1 failure, e.g. an unknown id · 2 usage).
 * The registry is `--registry` > MESH_REGISTRY > mesh.yaml/the project's IR >
 * file://.mesh/registry; relative file:// paths are relative to the workspace root.
 */
import { Option, type Command } from "commander";
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

const processContext = (): RegistryContext => ({
  cwd: process.cwd(),
  env: process.env,
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
});

const formatOption = () => new Option("--format <format>", "output format").choices(["text", "json"]).default("text");
const registryOption = "model registry: file://PATH or s3://BUCKET/PREFIX (default: MESH_REGISTRY, mesh.yaml, file://.mesh/registry)";

export function register(program: Command): void {
  const registry = program.command("registry").description("look inside the model registry (projects, models, datasets, versions, lineage)");
  registry
    .command("ls")
    .description("list projects → models and datasets → versions with type, created time, metrics and lineage")
    .argument("[project]", "only this project")
    .option("--registry <uri>", registryOption)
    .addOption(formatOption())
    .action(async (project: string | undefined, flags: RegistryFlags) => {
      process.exitCode = await registryLs(project, flags, processContext());
    });
  registry
    .command("show")
    .description("print one version's card and lineage")
    .argument("<id>", "e.g. SPAM-COMPILED-1, spam/models/SPAM-TRAINED/2, spam/datasets/spam-assassin/1")
    .option("--project <name>", "the project, when the id alone is ambiguous or a DATASET-N id")
    .option("--registry <uri>", registryOption)
    .addOption(formatOption())
    .action(async (id: string, flags: RegistryFlags) => {
      process.exitCode = await registryShow(id, flags, processContext());
    });
}

/** `mesh registry ls`; returns the exit code. */
export async function registryLs(project: string | undefined, flags: RegistryFlags, ctx: RegistryContext): Promise<number> {
  return withRegistry(project, flags, ctx, async (reg, lib) => {
    const listing = await lib.inspect.inspectRegistry(reg, project);
    ctx.stdout(flags.format === "json" ? `${JSON.stringify(listing, null, 2)}\n` : lib.text.renderListing(listing));
  });
}

/** `mesh registry show`; returns the exit code. */
export async function registryShow(id: string, flags: RegistryFlags, ctx: RegistryContext): Promise<number> {
  const project = flags.project ?? /^([a-z][-a-z0-9]*)\//.exec(id)?.[1];
  return withRegistry(project, flags, ctx, async (reg, lib) => {
    const detail = await lib.inspect.describeVersion(reg, await lib.inspect.locate(reg, id, flags.project));
    ctx.stdout(flags.format === "json" ? `${JSON.stringify(detail, null, 2)}\n` : lib.text.renderDetail(detail, reg.uri));
  });
}

type Libs = {
  registry: typeof import("../../../runtimes/registry/index.js");
  inspect: typeof import("../../../runtimes/registry/inspect.js");
  text: typeof import("../../../runtimes/registry/inspect-text.js");
};

async function withRegistry(project: string | undefined, flags: RegistryFlags, ctx: RegistryContext, body: (reg: MeshRegistry, lib: Libs) => Promise<void>): Promise<number> {
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
async function workspaceSettings(
  project: string | undefined,
  flags: RegistryFlags,
  ctx: RegistryContext,
): Promise<{ root: string; registry?: string; aws?: ProjectIR["aws"] } | { error: string }> {
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
