/**
 * `mesh validate [SPEC…] [--format text|json]`: check specs (default: every
 * projects/*\/project.yaml) and the workspace file mesh.yaml, reporting every problem at once.
 * A SPEC may lie outside the workspace: validation only reads.
 * Diagnostics go to stderr; a per-spec verdict goes to stdout. Exit 0 valid · 1 invalid · 2 usage.
 */
import { Option, type Command } from "commander";

interface ValidateFlags {
  readonly format: "text" | "json";
}

export function register(program: Command): void {
  program
    .command("validate")
    .description("check specs and mesh.yaml; print every problem as FILE:LINE:COL severity CODE path: message")
    .argument("[spec...]", "spec files (default: every projects/*/project.yaml)")
    .addOption(new Option("--format <format>", "diagnostics as text or JSON lines").choices(["text", "json"]).default("text"))
    .addHelpText(
      "after",
      "\nExit codes: 0 every spec valid · 1 a spec is invalid (diagnostics on stderr) · 2 usage error.\nExamples:\n  mesh validate\n  mesh validate projects/spam/project.yaml --format json",
    )
    .action(async (specs: string[], flags: ValidateFlags) => {
      process.exitCode = await runValidate(specs, flags, process.cwd());
    });
}

/** The command body; returns the exit code. Exported for tests that run it in-process. */
export async function runValidate(specs: readonly string[], flags: ValidateFlags, cwd: string): Promise<number> {
  const [{ findWorkspaceRoot, toWorkspacePath }, { nodeHost }, { compileWorkspace, listSpecPaths }, { formatDiagnostics }, path] = await Promise.all([
    import("../workspace.js"),
    import("../../host.js"),
    import("../../pipeline.js"),
    import("../../diagnostics/format.js"),
    import("node:path"),
  ]);
  const root = findWorkspaceRoot(cwd);
  const host = nodeHost(root);
  const specPaths: string[] = [];
  for (const s of specs) {
    // Validation writes nothing, so it may read a spec anywhere (checked against this
    // workspace's mesh.yaml); like every path, it is shown relative to the workspace root.
    const rel = toWorkspacePath(root, cwd, s) ?? path.relative(root, path.resolve(cwd, s)).split(path.sep).join("/");
    if (rel === "") return usage(`${s} is the workspace folder; name a spec file`);
    specPaths.push(rel);
  }
  const files = specs.length > 0 ? [...new Set(specPaths)] : listSpecPaths(host);
  if (files.length === 0) {
    process.stderr.write(`mesh validate: no specs found under ${root} (projects/*/project.yaml, or mesh.yaml projects:)\n`);
    return 1;
  }
  const result = await compileWorkspace(host, { specPaths: files });
  if (result.diagnostics.length > 0) process.stderr.write(`${formatDiagnostics(result.diagnostics, flags.format)}\n`);

  const checked = host.fileSize("mesh.yaml") !== undefined ? ["mesh.yaml", ...files] : files;
  const errorsIn = (file: string) => result.diagnostics.filter((d) => d.file === file && d.severity === "error").length;
  const verdicts = checked.map((file) => ({ file, errors: errorsIn(file) }));
  if (flags.format === "json") {
    process.stdout.write(`${JSON.stringify({ valid: result.value !== undefined, files: verdicts.map((v) => ({ file: v.file, ok: v.errors === 0, errors: v.errors })) })}\n`);
  } else {
    const lines = verdicts.map((v) => `${v.file}: ${v.errors === 0 ? "ok" : `${v.errors} error${v.errors === 1 ? "" : "s"}`}`);
    const bad = verdicts.filter((v) => v.errors > 0).length;
    const total = result.diagnostics.filter((d) => d.severity === "error").length;
    lines.push(
      bad === 0 && result.value ? `${files.length} spec${files.length === 1 ? "" : "s"} valid` : `invalid: ${total} error${total === 1 ? "" : "s"} in ${Math.max(bad, 1)} file${bad === 1 ? "" : "s"}`,
    );
    process.stdout.write(`${lines.join("\n")}\n`);
  }
  return result.value ? 0 : 1;
}

function usage(message: string): number {
  process.stderr.write(`mesh validate: ${message}\n`);
  return 2;
}
