/**
 * `mesh dev NAME [--port P] [--host H] [--model PATH] [--registry URI] [--log-format json|pretty]`:
 * serve a project and reload it on every change to its spec, mesh.yaml, the model it serves or
 * mesh's built runtime — the new server is ready before the old one drains, so no request
 * fails. Runs until SIGINT/SIGTERM.
 */
import { Option, type Command } from "commander";
import { parseHost, parsePort } from "../options.js";
import { LOG_FORMATS, type LogFormat } from "../../serve/log-format.js";

interface DevFlags {
  readonly port?: number;
  readonly host?: string;
  readonly model?: string;
  readonly registry?: string;
  readonly logFormat?: LogFormat;
}

export function register(program: Command): void {
  program
    .command("dev")
    .description("serve a project on loopback and reload it on every change, without failing a request")
    .argument("<name>", "project name (projects/<name>/project.yaml)")
    .option("--port <port>", "port (default: the spec's serve.port; 0 picks a free one)", parsePort)
    .option("--host <host>", "bind address (default 127.0.0.1)", parseHost)
    .option("--model <path>", "serve this ONNX file instead of a registry version (watched too)")
    .option("--registry <uri>", "model registry: file://PATH or s3://BUCKET/PREFIX (default: MESH_REGISTRY, mesh.yaml, file://.mesh/registry)")
    .addOption(new Option("--log-format <format>", "server logs: pretty (default on a TTY) or json").choices(LOG_FORMATS))
    .action(async (name: string, flags: DevFlags) => {
      const [{ findWorkspaceRoot }, { runDev }, { logSink, resolveLogFormat }] = await Promise.all([
        import("../workspace.js"),
        import("../../dev/dev-session.js"),
        import("../../serve/log-format.js"),
      ]);
      const cwd = process.cwd();
      const { logFormat, ...rest } = flags;
      const out = logSink(resolveLogFormat(logFormat, process.stdout), process.stdout);
      // A person watching a terminal reads one line per request; pipes and CI stay quiet unless MESH_ACCESS_LOG says otherwise.
      const accessLog = Boolean(process.stdout.isTTY);
      process.exitCode = await runDev({ root: findWorkspaceRoot(cwd), cwd, name, out, accessLog, ...rest });
    });
}
