/**
 * Generator: `out/<name>/Makefile`. The rules are data (rules.ts); this module adds `help`,
 * builds the view model and renders the template once.
 */
import type { GeneratedFile, ProjectIR } from "../../compiler/ir.js";
import { template } from "../support/templates.js";
import { helpLines, renderRules, type MakeRule } from "../support/make-rule.js";
import { HELP_DESCRIPTION, makeRules } from "../support/make-rules.js";
import { commentText } from "../support/text.js";
import { headerText } from "../support/header.js";
import { recipeWord } from "../support/shell.js";
import { literalizeLines, makeVariables, type MakeVariable } from "../support/make-variables.js";

const render = template(import.meta.url, "templates/makefile.hbs");

/** The `help` rule: every target with its description, then the variables and their defaults. */
function helpRule(ir: ProjectIR, rules: readonly MakeRule[], variables: readonly MakeVariable[]): MakeRule {
  const self: MakeRule = { targets: ["help"], prerequisites: [], recipe: [], phony: true, help: HELP_DESCRIPTION };
  const width = Math.max(...variables.map((v) => v.name.length + v.default.length + 4));
  const lines = [
    `${ir.name}: make targets (run from out/${ir.name}, or make -C out/${ir.name} TARGET)`,
    "",
    ...helpLines([self, ...rules]),
    "",
    "variables (override as make TARGET NAME=value; values are passed literally):",
    ...variables.map((v) => `  ${`${v.name} ?= ${v.default}`.padEnd(width)}  ${v.help}`),
  ];
  return { ...self, recipe: lines.map((line) => `@printf '%s\\n' ${recipeWord(line)}`) };
}

/** Pure: IR → the Makefile. */
export function generateMakefile(ir: ProjectIR): GeneratedFile[] {
  const variables = makeVariables(ir);
  const body = makeRules(ir);
  const rules = [helpRule(ir, body, variables), ...body];
  const contents = render({
    header: headerText(ir.specPath),
    about: commentText(ir.description === "" ? `${ir.name} (${ir.kind})` : `${ir.name}: ${ir.description}`),
    outHint: `out/${ir.name}`,
    name: ir.name,
    variables: variables.map((v) => ({ help: v.help, assignment: v.default === "" ? `${v.name} ?=` : `${v.name} ?= ${v.default}` })),
    literalize: literalizeLines(),
    phonyTargets: rules
      .filter((r) => r.phony)
      .flatMap((r) => r.targets)
      .join(" "),
    rules: renderRules(rules),
  });
  // The template leaves a blank line after every rule; the file ends with exactly one newline.
  return [{ path: "Makefile", contents: `${contents.trimEnd()}\n`, mode: 0o644 }];
}
