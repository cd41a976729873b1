/**
 * `mesh run NAME [--port P] [--no-serve] [--registry URI] [--only STEP] [--target KIND] [--force]`: the whole
 * lifecycle locally (ingest → register → train → compile, unchanged steps skipped), then
 * serve. The logic lives in runtimes/lifecycle; this module maps the IR to its configs,
 * opens the registry (`--registry` > MESH_REGISTRY > mesh.yaml/IR > file://.mesh/registry)
 * and turns failures into one sentence and an exit code (0 ok · 1 failure · 2 usage).
 */
import { Option, type Command } from "commander";
import { parsePort } from "../options.js";
import type { ProjectIR } from "../../ir.js";
import { LIFECYCLE_STEPS } from "../../../runtimes/lifecycle/config.js";
import type { LifecycleConfig, LifecycleStep } from "../../../runtimes/lifecycle/index.js";

export interface RunFlags {
  readonly port?: number;
  readonly serve: boolean;
  readonly registry?: string;
  readonly only?: LifecycleStep;
  readonly target?: "onnx" | "neuron" | "cpu";
  readonly force?: boolean;
  /** The data version of this run: ingest reads this URI instead of the spec's. */
  readonly source?: string;
  /** Train params of this run, JSON over the spec's. */
  readonly params?: string;
  readonly format?: "text" | "json";
}

export function register(program: Command): void {
  program
    .command("run")
    .description("run the lifecycle locally (ingest → register → train → compile, unchanged steps skipped), then serve")
    .argument("<name>", "project name (projects/<name>/project.yaml)")
    .option("--port <port>", "port to serve on (default: the spec's serve.port)", parsePort)
    .option("--no-serve", "stop after compile")
    .option("--registry <uri>", "model registry: file://PATH or s3://BUCKET/PREFIX (default: MESH_REGISTRY, mesh.yaml, file://.mesh/registry)")
    .addOption(new Option("--only <step>", "run just this step").choices([...LIFECYCLE_STEPS]))
    .addOption(new Option("--target <kind>", "compile only targets of this kind (cpu: trace the neuron targets on CPU)").choices(["onnx", "neuron", "cpu"]))
    .option("--force", "redo steps even when their inputs did not change")
    .option("--source <uri>", "ingest this source instead of the spec's (the data version of this run)")
    .option("--params <json>", `train params of this run over the spec's, e.g. '{"epochs": 20}'`)
    .addOption(new Option("--format <format>", "progress on stderr: text (a live display on a TTY, plain lines otherwise) or json (JSON lines)").choices(["text", "json"]))
    .action(async (name: string, flags: RunFlags) => {
      process.exitCode = await runRun(name, flags, process.cwd());
    });
}

/** The project's lowered lifecycle configuration (compiler/lower/run-config.ts). */
export function lifecycleConfig(ir: ProjectIR): LifecycleConfig {
  if (ir.kind !== "Project") throw new Error(`project ${ir.name} is an App: it has no lifecycle to run (mesh serve ${ir.name})`);
  return ir.run.lifecycle;
}

/** The command body; returns the exit code. Exported for in-process tests. */
export async function runRun(name: string, flags: RunFlags, cwd: string): Promise<number> {
  const [{ findWorkspaceRoot }, { nodeHost }, { compileProject }, { formatDiagnostics }, lifecycle, registryLib] = await Promise.all([
    import("../workspace.js"),
    import("../../host.js"),
    import("../../pipeline.js"),
    import("../../diagnostics/format.js"),
    import("../../../runtimes/lifecycle/index.js"),
    import("../../../runtimes/registry/index.js"),
  ]);
  const root = findWorkspaceRoot(cwd);
  const compiled = await compileProject(nodeHost(root), name);
  if (compiled.diagnostics.length > 0) process.stderr.write(`${formatDiagnostics(compiled.diagnostics)}\n`);
  const ir = compiled.value;
  if (!ir) return 1;
  if (ir.kind !== "Project") return fail(`project ${name} is an App: there is no lifecycle to run; use mesh serve ${name}`);

  const [{ runSteps }] = await Promise.all([import("../../../runtimes/lifecycle/run-steps.js")]);
  const uri = registryLib.resolveRegistryUri(flags.registry, process.env, ir.registry);
  const { progressLog, resolveProgressMode } = await import("../progress/renderers.js");
  const mode = resolveProgressMode(flags.format, process.stderr);
  const log = progressLog(mode, process.stderr);
  // The step report goes to stdout, except under the live display, which owns the terminal.
  const live = mode === "tty";
  const out = live ? (line: string) => log(line) : (line: string) => void process.stdout.write(`${line}\n`);
  // Ctrl-C: end the live display (cursor back), then die of SIGINT as before (registry writes are atomic).
  const stopDisplay = () => {
    log.stop();
    process.kill(process.pid, "SIGINT");
  };
  process.once("SIGINT", stopDisplay);
  try {
    const t0 = performance.now();
    // --source / --params over the lowered config, checked as step images check them.
    const config = (await import("../../../runtimes/lifecycle/run-overrides.js")).applyRunOverrides(ir.run.lifecycle, flags);
    if (typeof config === "string") return usage(config);
    // The same runtime entry the step images run (runtimes/lifecycle/step-main.ts), from the same lowered config.
    await runSteps(
      { ...ir.run, lifecycle: config },
      {
        root,
        env: process.env,
        registryFlag: uri,
        report: out,
        log,
        ...(flags.only ? { only: flags.only } : {}),
        ...(flags.target ? { targetKind: flags.target } : {}),
        ...(flags.force ? { force: true } : {}),
        onRegistry: (opened) => out(`mesh run ${ir.name}: registry ${opened}${flags.only ? `, only ${flags.only}` : ""}${flags.target ? `, target ${flags.target}` : ""}`),
      },
    );
    log.stop();
    out(`lifecycle finished in ${((performance.now() - t0) / 1000).toFixed(2)} s`);
  } catch (err) {
    log.stop();
    if (lifecycle.isLifecycleError(err)) return fail(`${err.step} failed: ${err.message}`, err.exitCode);
    if (registryLib.isRegistryError(err)) return fail(err.message);
    throw err;
  } finally {
    process.off("SIGINT", stopDisplay);
  }
  if (!flags.serve || flags.only || flags.target) return 0;
  return serve(ir, uri, flags.port, root);
}

/** Hands over to serving (the same code as `mesh serve`), which runs until it is stopped. */
async function serve(ir: ProjectIR, registry: string, port: number | undefined, root: string): Promise<number> {
  const { serveProject } = await import("../../serve/serve-project.js");
  return serveProject({ root, ir, registry, cwd: root, ...(port !== undefined ? { port } : {}) });
}

function usage(message: string): number {
  process.stderr.write(`mesh run: ${message}\n`);
  return 2;
}

function fail(message: string, code = 1): number {
  process.stderr.write(`mesh run: ${message}\n`);
  return code;
}
