/**
 * `mesh generate [SPEC…] [--out DIR] [--check] [--dry-run] [--format text|json]`: compile specs
 * into `<out>/<name>/`. Exit 0 ok · 1 invalid spec, plan error, write failure or (`--check`)
 * drift · 2 usage. The heavy compiler modules load only when the command runs, so `mesh --help`
 * stays fast.
 */
import { Option, type Command } from "commander";

/** The workspace file (compiler/validate/check-workspace.ts, not imported: it loads zod). */
const WORKSPACE_FILE = "mesh.yaml";

interface GenerateFlags {
  readonly out?: string;
  readonly check?: boolean;
  readonly dryRun?: boolean;
  readonly format: "text" | "json";
  /** false with --no-cache. */
  readonly cache?: boolean;
}

export function register(program: Command): void {
  program
    .command("generate")
    .description("compile specs into out/<name>/ (Makefile, Dockerfiles, compose, serving code, manifest)")
    .argument("[spec...]", "spec files (default: every projects/*/project.yaml)")
    .option("--out <dir>", "output root inside the workspace", undefined)
    .option("--check", "write nothing; exit 1 when any generated file would change (CI gate)")
    .option("--dry-run", "write nothing; print what would be created, updated and deleted")
    .addOption(new Option("--format <format>", "output format").choices(["text", "json"]).default("text"))
    .option("--no-cache", "run every generator even when .mesh/cache says the output is current")
    .action(async (specs: string[], flags: GenerateFlags) => {
      process.exitCode = await runGenerate(specs, flags, process.cwd());
    });
}

/** The command body; returns the exit code. Exported for tests that run it in-process. */
export async function runGenerate(specs: readonly string[], flags: GenerateFlags, cwd: string): Promise<number> {
  const [{ findWorkspaceRoot, toWorkspacePath }, { resolveOutDir }, { nodeHost }] = await Promise.all([import("../workspace.js"), import("../../plan/out-dir.js"), import("../../host.js")]);
  const root = findWorkspaceRoot(cwd);
  const host = nodeHost(root);
  // --out is typed relative to the cwd; mesh.yaml's `out` is relative to the root.
  const configured = flags.out === undefined ? await configuredOut(host) : undefined;
  const out =
    flags.out !== undefined ? resolveOutDir(root, cwd, flags.out, "--out") : resolveOutDir(root, root, configured ?? "out", configured !== undefined ? "mesh.yaml out:" : "the default output folder");
  if ("error" in out) return usage(out.error);
  const specPaths: string[] = [];
  for (const s of specs) {
    const rel = toWorkspacePath(root, cwd, s);
    if (rel === undefined) return usage(`spec ${s} lies outside the workspace ${root}`);
    specPaths.push(rel);
  }

  const [{ generateWorkspace }, report, { formatDiagnostics }] = await Promise.all([
    import("../../generate/generate-workspace.js"),
    import("../../emit/report.js"),
    import("../../diagnostics/format.js"),
  ]);
  const mode = flags.check ? "check" : flags.dryRun ? "dry-run" : "write";
  const outcome = await generateWorkspace(host, { ...(specs.length ? { specPaths } : {}), outDir: out.outDir, mode, cache: flags.cache !== false });
  if (outcome.diagnostics.length > 0) process.stderr.write(`${formatDiagnostics(outcome.diagnostics, flags.format)}\n`);
  if (!outcome.plans) return 1;
  const plans = outcome.plans;

  if (flags.format === "json") {
    process.stdout.write(`${JSON.stringify({ mode, ...report.planJson(plans, outcome.changed, outcome.wrote) })}\n`);
  } else {
    const lines = mode === "write" ? [] : report.planLines(plans);
    lines.push(...plans.map((p) => report.summaryLine(p, mode === "write")));
    process.stdout.write(`${lines.join("\n")}\n`);
  }
  if (mode === "check" && outcome.changed) {
    if (flags.format === "text") process.stderr.write("mesh generate --check: generated output is out of date; run `mesh generate` and commit the result\n");
    return 1;
  }
  return 0;
}

/**
 * mesh.yaml's `out`, read with the safe YAML loader but without validating the whole file (that
 * needs zod, which a cached no-op run never loads). A malformed file yields undefined here and
 * fails compilation with its diagnostics; the value itself is checked by resolveOutDir.
 */
async function configuredOut(host: import("../../host.js").Host): Promise<string | undefined> {
  if (host.fileSize(WORKSPACE_FILE) === undefined) return undefined;
  const { loadYaml } = await import("../../load/load-yaml.js");
  const value = loadYaml(host, WORKSPACE_FILE).value?.value as { out?: unknown } | undefined;
  return typeof value?.out === "string" ? value.out : undefined;
}

function usage(message: string): number {
  process.stderr.write(`mesh generate: ${message}\n`);
  return 2;
}
