/**
 * `mesh test NAME [--model PATH] [--registry URI]`: generate if needed, start the project's
 * server on a free loopback port with the newest model (or a model file), run the contract
 * tests — every spec example through the generated client, plus the protocol checks — print
 * one line per check and `N passed, M failed`, and stop the server. Exit 0 all passed · 1 any
 * failure · 2 usage.
 */
import type { Command } from "commander";

interface TestFlags {
  readonly model?: string;
  readonly registry?: string;
}

export function register(program: Command): void {
  program
    .command("test")
    .description("contract-test the project's served API: spec examples through the generated client, plus protocol checks")
    .argument("<name>", "project name")
    .option("--model <path>", "serve this ONNX file instead of the newest registry version")
    .option("--registry <uri>", "registry to take the newest model from (default: MESH_REGISTRY, mesh.yaml, file://.mesh/registry)")
    .action(async (name: string, flags: TestFlags) => {
      process.exitCode = await runTestCommand(name, flags, process.cwd());
    });
}

/** The command body; returns the exit code. */
export async function runTestCommand(name: string, flags: TestFlags, cwd: string): Promise<number> {
  const [{ findWorkspaceRoot }, { prepareProject }, { runContractTests }, { formatDiagnostics }] = await Promise.all([
    import("../workspace.js"),
    import("../../servetest/prepare.js"),
    import("../../servetest/run-test.js"),
    import("../../diagnostics/format.js"),
  ]);
  const prepared = await prepareProject(findWorkspaceRoot(cwd), name, flags);
  if (!prepared.ok) {
    if (prepared.diagnostics?.length) process.stderr.write(`${formatDiagnostics(prepared.diagnostics)}\n`);
    process.stderr.write(`mesh test: ${prepared.message}\n`);
    return 1;
  }
  try {
    const results = await runContractTests(prepared.prepared, (line) => process.stdout.write(`${line}\n`));
    return results.every((r) => r.ok) ? 0 : 1;
  } catch (err) {
    process.stderr.write(`mesh test: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
