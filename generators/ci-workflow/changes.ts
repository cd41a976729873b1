/**
 * The change-detection job: which projects a push or pull request touches, as job outputs
 * (`<project>: true|false`, plus `any`). Plain git and bash — no third-party action sees the
 * token. A manual run, a new branch or an unknown base commit counts as "everything changed".
 * Project names are DNS labels (schema-checked) and appear in the script; paths never do.
 */
import type { ProjectIR } from "../../compiler/ir.js";
import { SHARED_PATHS, projectPaths } from "./paths.js";
import { setup, type Step } from "./steps.js";

/** The step's environment variable holding a project's path prefixes, e.g. `PATHS_MY_MODEL`. */
export const pathsVariable = (ir: ProjectIR): string => `PATHS_${ir.name.toUpperCase().replace(/-/g, "_")}`;

/**
 * Path prefixes as one environment value, one per line. Paths reach the step only through
 * `env:`, never inside `run:` — GitHub expands `${{ … }}` in a script before the shell runs,
 * and shell text would need quoting; a variable is data to both. Spec paths holding `${{`
 * are refused at validate (schemas/identifiers.ts), so meeting one here is a bug.
 */
function prefixLines(paths: readonly string[]): string {
  for (const p of paths) if (p.includes("${{") || /[\r\n]/.test(p)) throw new Error(`path ${JSON.stringify(p)} cannot be passed to a workflow step`);
  return paths.join("\n");
}

/** The bash script of the detection step; every path prefix comes from the step's environment. */
export function changesScript(irs: readonly ProjectIR[]): string {
  const lines = [
    "set -euo pipefail",
    'if [ "$EVENT" = pull_request ]; then base="$PR_BASE"; else base="$BEFORE"; fi',
    "all=false",
    'if [ "$EVENT" = workflow_dispatch ] || [ -z "$base" ] || [ "$base" = 0000000000000000000000000000000000000000 ] || ! git cat-file -e "$base^{commit}" 2>/dev/null; then',
    "  all=true",
    "else",
    '  git diff --name-only "$base" HEAD > "$RUNNER_TEMP/changed-files"',
    "fi",
    "# changed PREFIXES: true when any changed file starts with one of PREFIXES (one per line)",
    "changed() {",
    '  if [ "$all" = true ]; then return 0; fi',
    "  local file prefix",
    "  while IFS= read -r file; do",
    "    while IFS= read -r prefix; do",
    '      if [ -n "$prefix" ]; then case "$file" in "$prefix"*) return 0 ;; esac; fi',
    '    done <<< "$1"',
    '  done < "$RUNNER_TEMP/changed-files"',
    "  return 1",
    "}",
    "any=false",
  ];
  for (const ir of irs) {
    lines.push(
      `if changed "$SHARED_PATHS" || changed "$${pathsVariable(ir)}"; then`,
      `  echo '${ir.name}=true' >> "$GITHUB_OUTPUT"; any=true`,
      "else",
      `  echo '${ir.name}=false' >> "$GITHUB_OUTPUT"`,
      "fi",
    );
  }
  lines.push('echo "any=$any" >> "$GITHUB_OUTPUT"');
  return `${lines.join("\n")}\n`;
}

/** The path prefixes the detection script reads: shared ones, then one variable per project. */
export function changesPathsEnv(irs: readonly ProjectIR[]): Record<string, string> {
  const env: Record<string, string> = { SHARED_PATHS: prefixLines(SHARED_PATHS) };
  for (const ir of irs) env[pathsVariable(ir)] = prefixLines(projectPaths(ir));
  return env;
}

export function changesJob(irs: readonly ProjectIR[]): Record<string, unknown> {
  const outputs: Record<string, string> = { any: "${{ steps.detect.outputs.any }}" };
  for (const ir of irs) outputs[ir.name] = `\${{ steps.detect.outputs.${ir.name} }}`;
  const env: Record<string, string> = {
    EVENT: "${{ github.event_name }}",
    PR_BASE: "${{ github.event.pull_request.base.sha }}",
    BEFORE: "${{ github.event.before }}",
    ...changesPathsEnv(irs),
  };
  const steps: Step[] = [
    // Full history: the base commit of a push or pull request must be present to diff against.
    setup(irs, 0)[0]!,
    { name: "Detect changed projects", id: "detect", env, run: changesScript(irs) },
  ];
  return { name: "Changed projects", "runs-on": "ubuntu-latest", needs: ["generate"], outputs, steps };
}
