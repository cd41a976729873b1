/**
 * `mesh registry ui [--registry URI] [--port P] [--host H]`: serves the read-only registry
 * browser (runtimes/registry-ui) over the registry the workspace names (file or S3; the
 * same resolution as every `mesh registry` command), prints its URL, and stops on SIGINT or
 * SIGTERM. Exit 0 after a signal · 1 the registry or the port cannot be used · 2 usage.
 */
import type { Command } from "commander";
import { parseHost, parsePort } from "../options.js";
import { DEFAULTS } from "../../lower/defaults.js";
import { processContext, withRegistry, type RegistryContext } from "./registry-context.js";

export interface UiFlags {
  readonly registry?: string;
  readonly port: number;
  readonly host: string;
}

export function registerUiCommand(registry: Command, registryOption: string): void {
  registry
    .command("ui")
    .description("serve a read-only web page over the registry: projects, versions, aliases, lineage, curves, comparisons")
    .option("--registry <uri>", registryOption)
    .option("--port <port>", `port (0 picks a free one)`, parsePort, DEFAULTS.registryUi.port)
    .option("--host <host>", "address to bind", parseHost, DEFAULTS.registryUi.host)
    .action(async (flags: UiFlags) => {
      process.exitCode = await registryUi(flags, processContext());
    });
}

/** Runs until `stop` resolves (default: SIGINT or SIGTERM); returns the exit code. */
export async function registryUi(flags: UiFlags, ctx: RegistryContext, stop: Promise<unknown> = signalled(), onListening?: (url: string) => void): Promise<number> {
  return withRegistry(undefined, { ...(flags.registry !== undefined ? { registry: flags.registry } : {}), format: "text" }, ctx, async (reg) => {
    const { startUiServer } = await import("../../../runtimes/registry-ui/server.js");
    let ui;
    try {
      ui = await startUiServer(reg, { host: flags.host, port: flags.port });
    } catch (err) {
      const { RegistryError } = await import("../../../runtimes/registry/index.js");
      throw new RegistryError("io", `cannot listen on ${flags.host}:${flags.port}: ${(err as Error).message}`);
    }
    ctx.stdout(`mesh registry ui: ${reg.uri} on ${ui.url} (read-only; Ctrl-C stops)\n`);
    onListening?.(ui.url);
    await stop;
    await ui.close();
    ctx.stdout(`mesh registry ui: stopped\n`);
  });
}

function signalled(): Promise<string> {
  return new Promise((resolve) => {
    const on = (sig: string) => {
      process.off("SIGINT", on);
      process.off("SIGTERM", on);
      resolve(sig);
    };
    process.on("SIGINT", on);
    process.on("SIGTERM", on);
  });
}
