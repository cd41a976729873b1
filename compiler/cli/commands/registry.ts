/**
 * `mesh registry ls [PROJECT] [--registry URI] [--format text|json]` and
 * `mesh registry show ID [--project P] [--registry URI] [--format text|json]`: look inside
 * the model registry (alias commands: registry-aliases.ts) (CONTRACTS.md; exit 0 ok · 1 failure, e.g. an unknown id · 2 usage).
 * The registry is `--registry` > MESH_REGISTRY > mesh.yaml/the project's IR >
 * file://.mesh/registry; relative file:// paths are relative to the workspace root.
 */
import { Option, type Command } from "commander";
import { registerAliasCommands } from "./registry-aliases.js";
import { registerUiCommand } from "./registry-ui.js";
import { processContext, withRegistry, type RegistryContext, type RegistryFlags } from "./registry-context.js";

export { withRegistry, type RegistryContext, type RegistryFlags };

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
    .argument("<id>", "any id ls prints, e.g. SPAM-COMPILED-1, spam-assassin-1, spam/SPAM-TRAINED-2, spam/datasets/spam-assassin/1")
    .option("--project <name>", "the project, when the id alone is ambiguous or a DATASET-N id")
    .option("--registry <uri>", registryOption)
    .addOption(formatOption())
    .action(async (id: string, flags: RegistryFlags) => {
      process.exitCode = await registryShow(id, flags, processContext());
    });
  registerAliasCommands(registry, registryOption, formatOption);
  registerUiCommand(registry, registryOption);
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
