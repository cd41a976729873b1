/**
 * The register step's schema must hold what training needs: the model's target column with
 * an enum covering the model's labels, and the features' input column(s) with fitting types.
 */
import type { ProjectKindSpec } from "../project.js";
import { hasSegmentWildcard } from "../../runtimes/support/glob.js";
import type { RuleDefaults, RuleViolation } from "./types.js";

type ColumnSpec = NonNullable<ProjectKindSpec["steps"]["register"]>["schema"][string];

/** Declared type of a register column (strings are the short form; the default is string). */
export function columnType(col: ColumnSpec): string {
  return typeof col === "string" ? col : (col.type ?? "string");
}

export function checkRegister(spec: ProjectKindSpec, defaults: RuleDefaults): RuleViolation[] {
  const reg = spec.steps.register;
  if (!reg) return [];
  const out: RuleViolation[] = [];
  const schemaPath = ["steps", "register", "schema"];
  const target = spec.model.target ?? defaults.target;
  const labels = spec.model.labels ?? [];
  const targetCol = reg.schema[target];
  if (targetCol === undefined) {
    out.push({ rule: "target-column-missing", path: schemaPath, anchor: "key", params: { column: target }, hint: `add ${target}: { enum: [${labels.join(", ")}] }` });
  } else {
    const enumValues = typeof targetCol === "string" ? undefined : targetCol.enum;
    const path = [...schemaPath, target];
    if (columnType(targetCol) !== "string") {
      out.push({ rule: "target-enum", path, params: { message: `target column "${target}" holds class labels and must be a string, not ${columnType(targetCol)}` } });
    } else if (!enumValues) {
      out.push({
        rule: "target-enum",
        path,
        params: { message: `target column "${target}" needs an enum listing the model's labels (${labels.join(", ")})` },
        hint: `${target}: { enum: [${labels.join(", ")}] }`,
      });
    } else {
      const lacking = labels.filter((l) => !enumValues.includes(l));
      if (lacking.length > 0) {
        out.push({
          rule: "target-enum",
          path: [...path, "enum"],
          params: { message: `enum of target column "${target}" lacks the model's label${lacking.length > 1 ? "s" : ""} ${lacking.join(", ")} (model.labels)` },
        });
      }
    }
  }

  out.push(...mapGlobWarnings(reg.schema, schemaPath));

  const f = spec.model.features;
  if (!f) return out;
  const needs = f.kind === "hashed-ngrams" ? [{ col: f.input ?? defaults.textInput, types: ["string"] }] : f.columns.map((col) => ({ col, types: ["number", "integer"] }));
  for (const { col, types } of needs) {
    const c = reg.schema[col];
    if (c === undefined) {
      out.push({
        rule: "feature-column",
        path: schemaPath,
        anchor: "key",
        params: { message: `register.schema has no column "${col}", an input of the ${f.kind} features` },
        hint: `add ${col}: ${types[0]}`,
      });
    } else if (!types.includes(columnType(c))) {
      out.push({
        rule: "feature-column",
        path: [...schemaPath, col],
        params: { message: `column "${col}" feeds the ${f.kind} features and must be ${types.join(" or ")}, not ${columnType(c)}` },
      });
    }
  }
  return out;
}

/**
 * Column `map` patterns use the spec language's one glob dialect, where `*` and `?` stop at
 * `/`: a pattern that names a `/` is about values that hold one, and a flat wildcard next to it
 * does not reach across (a change from the earlier map-only dialect). Said once per pattern.
 */
function mapGlobWarnings(schema: Record<string, ColumnSpec>, schemaPath: readonly string[]): RuleViolation[] {
  const out: RuleViolation[] = [];
  for (const [name, col] of Object.entries(schema)) {
    if (typeof col === "string" || !col.map) continue;
    for (const pattern of Object.keys(col.map)) {
      if (!pattern.includes("/") || !hasSegmentWildcard(pattern)) continue;
      out.push({
        rule: "map-glob-slash",
        path: [...schemaPath, name, "map", pattern],
        anchor: "key",
        params: { message: `map pattern "${pattern}": * and ? match within one /-separated part of the value, not across a /` },
        hint: "use ** to match across /, e.g. " + JSON.stringify(pattern.replace(/(^|[^*])\*(?!\*)/g, "$1**")),
      });
    }
  }
  return out;
}
