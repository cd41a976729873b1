/**
 * `mesh registry promote ID --alias NAME [--reason …]`, `mesh registry rollback PROJECT
 * --alias NAME [--reason …]` and `mesh registry aliases PROJECT [--alias NAME] [--format
 * text|json]`: move and inspect aliases (runtimes/registry/aliases.ts). Exit 0 ok · 1 failure
 * (unknown id, unservable target, nothing to roll back to) · 2 usage.
 *
 * Who moved an alias (`by`) is `--by`, else the OS user name: the history is an audit trail,
 * so it is recorded on every change and never left empty. (Not a MESH_* variable: the server
 * refuses MESH_* names it does not read, and `mesh serve` passes the environment through.)
 */
import { Option, type Command } from "commander";
import { userInfo } from "node:os";
import { processContext, withRegistry, type Libs, type RegistryContext, type RegistryFlags } from "./registry-context.js";

export interface AliasFlags extends RegistryFlags {
  readonly alias?: string;
  readonly reason?: string;
  readonly by?: string;
}

export function actor(flags: { by?: string }, env: NodeJS.ProcessEnv): string {
  const given = flags.by?.trim();
  if (given) return given;
  try {
    return userInfo().username || "unknown";
  } catch {
    return env["USER"]?.trim() || "unknown";
  }
}

export function registerAliasCommands(registry: Command, registryOption: string, formatOption: () => Option): void {
  const ctx = processContext;
  const aliasOption = () => new Option("--alias <name>", "alias name, e.g. production, staging, candidate").makeOptionMandatory();
  registry
    .command("promote")
    .description("point an alias (production, staging, …) at a model version; recorded in the alias history")
    .argument("<id>", "a servable model version, e.g. SPAM-COMPILED-1 or spam/SPAM-COMPILED-1")
    .addOption(aliasOption())
    .option("--reason <text>", "why, kept in the history")
    .option("--by <name>", "who, kept in the history (default: the OS user)")
    .option("--project <name>", "the project, when the id alone is ambiguous")
    .option("--registry <uri>", registryOption)
    .action(async (id: string, flags: AliasFlags) => {
      process.exitCode = await registryPromote(id, flags, ctx());
    });
  registry
    .command("rollback")
    .description("point an alias back at the version it had before its last change")
    .argument("<project>", "the project")
    .addOption(aliasOption())
    .option("--reason <text>", "why, kept in the history")
    .option("--by <name>", "who, kept in the history (default: the OS user)")
    .option("--registry <uri>", registryOption)
    .action(async (project: string, flags: AliasFlags) => {
      process.exitCode = await registryRollback(project, flags, ctx());
    });
  registry
    .command("aliases")
    .description("a project's aliases (where each points now) and their history")
    .argument("<project>", "the project")
    .option("--alias <name>", "only this alias")
    .option("--registry <uri>", registryOption)
    .addOption(formatOption())
    .action(async (project: string, flags: AliasFlags) => {
      process.exitCode = await registryAliases(project, flags, ctx());
    });
}

function aliasName(lib: Libs, alias: string | undefined): string {
  const problem = lib.registry.aliasProblem(alias);
  if (problem) throw new lib.registry.RegistryError("invalid", problem);
  return alias!;
}

export async function registryPromote(id: string, flags: AliasFlags, ctx: RegistryContext): Promise<number> {
  const project = flags.project ?? /^([a-z][-a-z0-9]*)\//.exec(id)?.[1];
  return withRegistry(project, flags, ctx, async (reg, lib) => {
    const alias = aliasName(lib, flags.alias);
    const where = await lib.inspect.locate(reg, id, flags.project);
    if (where.kind !== "model") throw new lib.registry.RegistryError("invalid", `${id} is a dataset version; only model versions can carry an alias`);
    const event = await reg.setAlias(where.ref.project, alias, where.ref, { by: actor(flags, ctx.env), ...(flags.reason !== undefined ? { reason: flags.reason } : {}) });
    ctx.stdout(`${where.ref.project}: ${alias} ${event.from ?? "(unset)"} → ${event.to} (#${event.seq}, by ${event.by}) in ${reg.uri}\n`);
  });
}

export async function registryRollback(project: string, flags: AliasFlags, ctx: RegistryContext): Promise<number> {
  return withRegistry(project, flags, ctx, async (reg, lib) => {
    const alias = aliasName(lib, flags.alias);
    const history = await reg.aliasHistory(project, alias);
    if (history.length === 0) throw new lib.registry.RegistryError("not-found", `${project} has no alias "${alias}" in ${reg.uri}; set one with mesh registry promote ID --alias ${alias}`);
    const back = lib.registry.rollbackTarget(history);
    if (!back) throw new lib.registry.RegistryError("invalid", `${project}/${alias} has only ever pointed at ${history.at(-1)!.to}: there is nothing to roll back to`);
    const target = lib.registry.parseModelId(back.previous)!;
    const event = await reg.setAlias(project, alias, { project, ...target }, { by: actor(flags, ctx.env), reason: flags.reason ?? `rollback from ${back.current}` });
    ctx.stdout(`${project}: ${alias} ${event.from ?? "(unset)"} → ${event.to} (rollback, #${event.seq}, by ${event.by}) in ${reg.uri}\n`);
  });
}

export async function registryAliases(project: string, flags: AliasFlags, ctx: RegistryContext): Promise<number> {
  return withRegistry(project, flags, ctx, async (reg, lib) => {
    const alias = flags.alias === undefined ? undefined : aliasName(lib, flags.alias);
    if (!(await reg.listProjects()).includes(project)) throw new lib.registry.RegistryError("not-found", `no project "${project}" in ${reg.uri}`);
    const view = await lib.inspect.describeAliases(reg, project, alias);
    ctx.stdout(flags.format === "json" ? `${JSON.stringify(view, null, 2)}\n` : lib.text.renderAliases(view));
  });
}
