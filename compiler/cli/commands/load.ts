/**
 * `mesh load NAME [--duration S] [--connections C] [--model PATH] [--registry URI]`: a bounded
 * autocannon load test on 127.0.0.1 against the project's server (durations and connections
 * from the spec's `serve.load` unless given), checked against the spec's `slo`. Writes
 * `.mesh/reports/NAME/load.json` (never into out/: generated output stays pure) and prints a
 * table. Exit 0 SLO met · 1 missed or failed · 2 usage.
 */
import { InvalidArgumentError, type Command } from "commander";

interface LoadFlags {
  readonly duration?: number;
  readonly connections?: number;
  readonly model?: string;
  readonly registry?: string;
}

const bounded = (what: string, max: number) => (value: string) => {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > max) throw new InvalidArgumentError(`${what} must be an integer from 1 to ${max}`);
  return n;
};

export function register(program: Command): void {
  program
    .command("load")
    .description("bounded load test of the project's served API on loopback; checks the spec's slo and writes a JSON report")
    .argument("<name>", "project name")
    .option("--duration <seconds>", "measured seconds (default: the spec's serve.load.duration_s)", bounded("--duration", 600))
    .option("--connections <n>", "concurrent connections (default: the spec's serve.load.connections)", bounded("--connections", 1024))
    .option("--model <path>", "serve this ONNX file instead of the newest registry version")
    .option("--registry <uri>", "registry to take the newest model from")
    .action(async (name: string, flags: LoadFlags) => {
      process.exitCode = await runLoadCommand(name, flags, process.cwd());
    });
}

/** The command body; returns the exit code. */
export async function runLoadCommand(name: string, flags: LoadFlags, cwd: string): Promise<number> {
  const [{ findWorkspaceRoot }, { prepareProject }, { withServer }, { runLoad, loadTable }, { writeLoadReport }, { formatDiagnostics }] = await Promise.all([
    import("../workspace.js"),
    import("../../servetest/prepare.js"),
    import("../../servetest/with-server.js"),
    import("../../servetest/load-test.js"),
    import("../../servetest/load-report.js"),
    import("../../diagnostics/format.js"),
  ]);
  const root = findWorkspaceRoot(cwd);
  const prepared = await prepareProject(root, name, flags);
  if (!prepared.ok) {
    if (prepared.diagnostics?.length) process.stderr.write(`${formatDiagnostics(prepared.diagnostics)}\n`);
    process.stderr.write(`mesh load: ${prepared.message}\n`);
    return 1;
  }
  const { ir, modelLabel } = prepared.prepared;
  const options = { durationS: flags.duration ?? ir.serve.load.durationS, connections: flags.connections ?? ir.serve.load.connections };
  try {
    const report = await withServer(prepared.prepared, (server) => runLoad(ir, server.baseUrl, modelLabel, options));
    const path = writeLoadReport(root, report);
    process.stdout.write(`${loadTable(report)}\nreport: ${path}\n`);
    if (!report.ok) process.stderr.write(`mesh load: ${name} missed its slo\n`);
    return report.ok ? 0 : 1;
  } catch (err) {
    process.stderr.write(`mesh load: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}
