/**
 * The change-detection job: which projects a push or pull request touches, as job outputs
 * (`<project>: true|false`, plus `any`). Plain git and bash — no third-party action sees the
 * token. A manual run, a new branch or an unknown base commit counts as "everything changed".
 */
import type { ProjectIR } from "../../compiler/ir.js";
import { SHARED_PATHS, projectPaths } from "./paths.js";
import { setup, type Step } from "./steps.js";

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** The bash script of the detection step (project names and paths are schema-checked identifiers; quoted anyway). */
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
    "# changed PREFIX...: true when any changed file starts with one of the prefixes",
    "changed() {",
    '  if [ "$all" = true ]; then return 0; fi',
    "  local file prefix",
    "  while IFS= read -r file; do",
    '    for prefix in "$@"; do',
    '      case "$file" in "$prefix"*) return 0 ;; esac',
    "    done",
    '  done < "$RUNNER_TEMP/changed-files"',
    "  return 1",
    "}",
    `shared=(${SHARED_PATHS.map(quote).join(" ")})`,
    "any=false",
  ];
  for (const ir of irs) {
    lines.push(
      `if changed "\${shared[@]}" ${projectPaths(ir).map(quote).join(" ")}; then`,
      `  echo ${quote(`${ir.name}=true`)} >> "$GITHUB_OUTPUT"; any=true`,
      "else",
      `  echo ${quote(`${ir.name}=false`)} >> "$GITHUB_OUTPUT"`,
      "fi",
    );
  }
  lines.push('echo "any=$any" >> "$GITHUB_OUTPUT"');
  return `${lines.join("\n")}\n`;
}

export function changesJob(irs: readonly ProjectIR[]): Record<string, unknown> {
  const outputs: Record<string, string> = { any: "${{ steps.detect.outputs.any }}" };
  for (const ir of irs) outputs[ir.name] = `\${{ steps.detect.outputs.${ir.name} }}`;
  const steps: Step[] = [
    // Full history: the base commit of a push or pull request must be present to diff against.
    setup(irs, 0)[0]!,
    {
      name: "Detect changed projects",
      id: "detect",
      env: {
        EVENT: "${{ github.event_name }}",
        PR_BASE: "${{ github.event.pull_request.base.sha }}",
        BEFORE: "${{ github.event.before }}",
      },
      run: changesScript(irs),
    },
  ];
  return { name: "Changed projects", "runs-on": "ubuntu-latest", needs: ["generate"], outputs, steps };
}
