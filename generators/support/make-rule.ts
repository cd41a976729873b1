/**
 * Make rules as data (projen's `Rule`): the Makefile generator builds a list of these from
 * the IR and renders them in one place. Targets and prerequisites are identifiers from the
 * IR; recipe lines are shell text whose only variable parts are `"$$VAR"` references to the
 * exported, literal variables (see variables.ts) — never `$(VAR)` expansions.
 */

export interface MakeRule {
  readonly targets: readonly string[];
  readonly prerequisites: readonly string[];
  /** Shell lines, without the leading tab. */
  readonly recipe: readonly string[];
  readonly phony: boolean;
  /** One line shown by `make help`. */
  readonly help: string;
}

/** A phony rule with one recipe line, the common case. */
export function phony(target: string, help: string, ...recipe: string[]): MakeRule {
  return { targets: [target], prerequisites: [], recipe, phony: true, help };
}

/** What the template prints for one rule: its head line and tab-indented recipe lines. */
export interface RenderedRule {
  readonly head: string;
  readonly recipe: readonly string[];
}

/** Renders rules for the template. Recipe lines get their tab here so the template stays dumb. */
export function renderRules(rules: readonly MakeRule[]): RenderedRule[] {
  return rules.map((r) => ({
    head: `${r.targets.join(" ")}:${r.prerequisites.length > 0 ? ` ${r.prerequisites.join(" ")}` : ""}`,
    recipe: r.recipe.map((line) => `\t${line}`),
  }));
}

/** Help lines, target names padded to one column so descriptions align. */
export function helpLines(rules: readonly MakeRule[]): string[] {
  const width = Math.max(...rules.flatMap((r) => r.targets.map((t) => t.length)));
  return rules.flatMap((r) => r.targets.map((t) => `  ${t.padEnd(width)}  ${r.help}`));
}
