/**
 * Renders Kubernetes objects and kustomizations deterministically: the generated-by header line,
 * then YAML with sorted keys, block style, no line folding, LF and a trailing newline. Plain data
 * goes through the fast emitter in generators/support; the rest through `yaml`, which prints the
 * same bytes for what both accept.
 */
import { stringify } from "yaml";
import type { GeneratedFile, ProjectIR } from "../../compiler/ir.js";
import { stringifyDataYaml } from "../support/data-yaml.js";
import { headerComment } from "../support/header.js";

export function renderYaml(ir: ProjectIR, value: unknown): string {
  const body = stringifyDataYaml(value) ?? stringify(value, { sortMapEntries: true, lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
  return `${headerComment("#", ir.specPath)}\n${body.endsWith("\n") ? body : `${body}\n`}`;
}

export const yamlFile = (ir: ProjectIR, path: string, value: unknown): GeneratedFile => ({ path, contents: renderYaml(ir, value), mode: 0o644 });
