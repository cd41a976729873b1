/**
 * Generator: `out/<name>/compose.yaml`. The model (services.ts) is rendered once — by the plain
 * data emitter in generators/support, or `yaml` for what it declines (the same bytes): keys sorted at every level, every string double-quoted (so `10001:10001` or
 * `127.0.0.1:8000:8000` can never be read as something else by a YAML 1.1 parser), header first.
 */
import { stringify } from "yaml";
import type { GeneratedFile, ProjectIR } from "../../compiler/ir.js";
import { stringifyDataYaml } from "../support/data-yaml.js";
import { headerComment } from "../support/header.js";
import { composeModel } from "./services.js";

/** Pure: IR → compose.yaml. */
export function generateCompose(ir: ProjectIR): GeneratedFile[] {
  const model = composeModel(ir);
  const body =
    stringifyDataYaml(model, { strings: "double" }) ??
    stringify(model, {
      sortMapEntries: true,
      defaultStringType: "QUOTE_DOUBLE",
      defaultKeyType: "PLAIN",
      lineWidth: 0,
      aliasDuplicateObjects: false,
    });
  return [{ path: "compose.yaml", contents: `${headerComment("#", ir.specPath)}\n${body}`, mode: 0o644 }];
}
