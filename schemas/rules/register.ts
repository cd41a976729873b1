/**
 * The register step's schema must hold what training needs: the model's target column with
 * an enum covering the model's labels, and the features' input column(s) with fitting types.
 */
import type { ProjectKindSpec } from "../project.js";
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
