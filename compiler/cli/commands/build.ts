/**
 * `mesh build NAME [--step S] [--no-cache] [--push] [--registry URI] [--model PATH]`: build
 * the project's step images with dockerode (compiler/images). Exit 0 ok · 1 failure (one
 * sentence on stderr, plus the failing step's log tail) · 2 usage.
 */
import type { Command } from "commander";

export interface BuildFlags {
  readonly step?: string;
  readonly cache: boolean;
  readonly push?: boolean;
  readonly registry?: string;
  readonly model?: string;
}

export function register(program: Command): void {
  program
    .command("build")
    .description("build the project's images offline with dockerode: <prefix/><name>-<step>:<content hash> and :latest")
    .argument("<name>", "project name (projects/<name>/project.yaml)")
    .option("--step <step>", "build only this step's image (ingest, register, train, compile or serve)")
    .option("--no-cache", "rebuild every layer, even when an identical image exists")
    .option("--push", "push both tags to the registry prefix from mesh.yaml")
    .option("--registry <uri>", "model registry the serve image's model comes from (default: MESH_REGISTRY, mesh.yaml, file://.mesh/registry)")
    .option("--model <path>", "bake this .onnx file into the serve image instead of the registry's newest version")
    .action(async (name: string, flags: BuildFlags) => {
      // On a terminal, step n/m of each image as a live bar above the step lines; elsewhere
      // the step lines alone (they already say n/m).
      const { progressLog, resolveProgressMode } = await import("../progress/renderers.js");
      if (resolveProgressMode(undefined, process.stdout) !== "tty") return void (process.exitCode = await runBuildCommand(name, flags, process.cwd()));
      const log = progressLog("tty", process.stdout);
      try {
        process.exitCode = await runBuildCommand(name, flags, process.cwd(), log);
      } finally {
        log.stop();
      }
    });
}

/** The command body; returns the exit code. Exported for in-process tests. */
export async function runBuildCommand(name: string, flags: BuildFlags, cwd: string, out: (line: string) => void = (l) => process.stdout.write(`${l}\n`)): Promise<number> {
  const [{ findWorkspaceRoot }, { nodeHost }, { compileProject }, { formatDiagnostics }, { connectDocker }, { buildProject }, { BuildError }] = await Promise.all([
    import("../workspace.js"),
    import("../../host.js"),
    import("../../pipeline.js"),
    import("../../diagnostics/format.js"),
    import("../../images/docker-client.js"),
    import("../../images/build-project.js"),
    import("../../images/errors.js"),
  ]);
  const { isRegistryError } = await import("../../../runtimes/registry/index.js");
  const root = findWorkspaceRoot(cwd);
  const compiled = await compileProject(nodeHost(root), name);
  if (compiled.diagnostics.length > 0) process.stderr.write(`${formatDiagnostics(compiled.diagnostics)}\n`);
  const ir = compiled.value;
  if (!ir) return 1;
  try {
    const docker = await connectDocker();
    const results = await buildProject(docker, {
      root,
      ir,
      ...(flags.step !== undefined ? { step: flags.step } : {}),
      noCache: !flags.cache,
      push: flags.push ?? false,
      ...(flags.registry !== undefined ? { registry: flags.registry } : {}),
      ...(flags.model !== undefined ? { modelPath: flags.model } : {}),
      progress: out,
    });
    for (const r of results) out(`${r.repository}:${r.tag} ${r.status} (${r.sizeMb} MB, ${r.seconds} s)`);
    return 0;
  } catch (err) {
    if (err instanceof BuildError) {
      process.stderr.write(`mesh build: ${err.message}\n${err.detail ? `${err.detail}\n` : ""}`);
      return 1;
    }
    if (isRegistryError(err)) {
      process.stderr.write(`mesh build: ${(err as Error).message}\n`);
      return 1;
    }
    throw err;
  }
}
