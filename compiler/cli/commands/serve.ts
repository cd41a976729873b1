/**
 * `mesh serve NAME [--port P] [--host H] [--model PATH | --model-ref REF] [--env ENV]
 * [--registry URI]`: serve a project's registry version — `--model-ref` / MESH_MODEL_REF (an
 * id, an alias or latest), else the alias of `--env`'s `serve.alias`, else the newest compiled
 * (else trained) version — or a model file, with the generated server.
 * Runs until SIGINT/SIGTERM; the server drains and the exit code is its own (0 after a drain).
 */
import { Option, type Command } from "commander";
import { parseHost, parsePort } from "../options.js";
import { LOG_FORMATS, type LogFormat } from "../../serve/log-format.js";

interface ServeFlags {
  readonly port?: number;
  readonly host?: string;
  readonly model?: string;
  readonly registry?: string;
  readonly modelRef?: string;
  readonly env?: string;
  readonly logFormat?: LogFormat;
}

export function register(program: Command): void {
  program
    .command("serve")
    .description("serve a project's newest compiled (else trained) model version, or a model file, on loopback")
    .argument("<name>", "project name (projects/<name>/project.yaml)")
    .option("--port <port>", "port (default: the spec's serve.port; 0 picks a free one)", parsePort)
    .option("--host <host>", "bind address (default 127.0.0.1)", parseHost)
    .option("--model <path>", "serve this ONNX file instead of a registry version")
    .option("--model-ref <ref>", "serve this registry version: an id (SPAM-COMPILED-3), an alias (production) or latest (default: MESH_MODEL_REF)")
    .option("--env <env>", "serve the version this environment's serve.alias points at (dev, ci, stage, prod); the registry stays the local one unless --registry")
    .option("--registry <uri>", "model registry: file://PATH or s3://BUCKET/PREFIX (default: MESH_REGISTRY, mesh.yaml, file://.mesh/registry)")
    .addOption(new Option("--log-format <format>", "server logs: pretty (default on a TTY) or json").choices(LOG_FORMATS))
    .action(async (name: string, flags: ServeFlags) => {
      const [{ findWorkspaceRoot }, { serveProject }, { logSink, resolveLogFormat }] = await Promise.all([
        import("../workspace.js"),
        import("../../serve/serve-project.js"),
        import("../../serve/log-format.js"),
      ]);
      const cwd = process.cwd();
      const { logFormat, ...rest } = flags;
      const out = logSink(resolveLogFormat(logFormat, process.stdout), process.stdout);
      // A person watching a terminal reads one line per request; pipes and CI stay quiet unless MESH_ACCESS_LOG says otherwise.
      const accessLog = Boolean(process.stdout.isTTY);
      process.exitCode = await serveProject({ root: findWorkspaceRoot(cwd), cwd, name, out, accessLog, ...rest });
    });
}
