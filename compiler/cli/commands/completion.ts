/**
 * `mesh completion bash|zsh`: prints a shell completion script. The script asks mesh itself
 * (`mesh __complete <words…>`, hidden) for candidates, so commands and flags always match this
 * CLI and project names are read at completion time from `projects/*\/project.yaml`.
 */
import { readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { Argument, type Command } from "commander";

const SHELLS = ["bash", "zsh"] as const;

const BASH = `# mesh completion for bash: eval "$(mesh completion bash)"
_mesh_complete() {
  local IFS=$'\\n'
  COMPREPLY=( $(compgen -W "$("\${COMP_WORDS[0]}" __complete -- "\${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null)" -- "\${COMP_WORDS[COMP_CWORD]}") )
}
complete -o default -F _mesh_complete mesh
`;

const ZSH = `#compdef mesh
# mesh completion for zsh: eval "$(mesh completion zsh)" (after compinit)
_mesh() {
  local -a candidates
  candidates=( \${(f)"$("\${words[1]}" __complete -- "\${(@)words[2,CURRENT]}" 2>/dev/null)"} )
  compadd -- $candidates
}
compdef _mesh mesh
`;

/** Project names of the workspace at `root` (folders of projects/ holding a project.yaml). */
function projectNames(root: string): string[] {
  const dir = join(root, "projects");
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(dir, d.name, "project.yaml")))
    .map((d) => d.name)
    .sort();
}

/**
 * Candidates for the last word given the words before it: subcommand names, then a command's
 * flags (after a `-`), its choices for a flag expecting a value, or project names for a
 * `<name>` argument.
 */
export function complete(program: Command, words: readonly string[], root: string): string[] {
  const before = words.slice(0, -1);
  const current = words.at(-1) ?? "";
  let cmd = program;
  for (const w of before) {
    const sub = cmd.commands.find((c) => c.name() === w || c.aliases().includes(w));
    if (sub) cmd = sub;
  }
  const visible = cmd.commands.filter((c) => !(c as unknown as { _hidden?: boolean })._hidden).map((c) => c.name());
  const previous = before.at(-1);
  const pendingOption = previous?.startsWith("-") ? cmd.options.find((o) => o.long === previous || o.short === previous) : undefined;
  if (pendingOption && (pendingOption.required || pendingOption.optional)) return pendingOption.argChoices ? [...pendingOption.argChoices] : [];
  if (current.startsWith("-")) return cmd.options.flatMap((o) => (o.long ? [o.long] : [])).concat(["--help"]);
  if (visible.length > 0) return visible;
  const args = (cmd as unknown as { registeredArguments: readonly Argument[] }).registeredArguments ?? [];
  const positional = before.slice(before.indexOf(cmd.name()) + 1).filter((w, i, all) => !w.startsWith("-") && !all[i - 1]?.startsWith("--")).length;
  const arg = args[positional];
  if (arg?.argChoices) return [...arg.argChoices];
  if (arg && /name|project/.test(arg.name())) return projectNames(root);
  return [];
}

export function register(program: Command): void {
  program
    .command("completion")
    .description('print a shell completion script: eval "$(mesh completion bash)" (or zsh)')
    .addArgument(new Argument("<shell>", "bash or zsh").choices(SHELLS))
    .action((shell: (typeof SHELLS)[number]) => {
      process.stdout.write(shell === "bash" ? BASH : ZSH);
    });
  program
    .command("__complete", { hidden: true })
    .description("completion candidates for the words after `mesh` (used by the completion scripts)")
    .argument("[words...]")
    .allowUnknownOption()
    .helpOption(false)
    .action(async (words: string[]) => {
      const { findWorkspaceRoot } = await import("../workspace.js");
      const cwd = process.cwd();
      const out = complete(program, words.length > 0 ? words : [""], findWorkspaceRoot(cwd));
      if (out.length > 0) process.stdout.write(`${out.join("\n")}\n`);
    });
}
