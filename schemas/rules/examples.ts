/**
 * The request and response fields a project declares (explicitly in `serve.api`, or implied by
 * its features / model signature), and the checks of `serve.examples` against them: examples
 * become contract tests, so an example the server would reject must fail here, at the spec.
 */
import type { ProjectSpec, ServeSpec } from "../project.js";
import type { RuleContext, RuleViolation } from "./types.js";
import { taskApi } from "../../runtimes/transformers/task-api.js";
import { transformerTaskOf } from "./transformer.js";

export interface DeclaredField {
  readonly name: string;
  readonly type: "string" | "number" | "integer" | "boolean" | "number[]" | "scores" | "entities" | "keywords" | "string[]" | "integer[]";
  readonly length?: number;
  readonly maxLength?: number;
  readonly min?: number;
  readonly max?: number;
  readonly enum?: readonly string[];
}

/** Request attributes: `serve.api.attributes`, else what the features or the model imply. */
export function declaredAttributes(spec: ProjectSpec, serve: ServeSpec, ctx: RuleContext): DeclaredField[] {
  if (serve.api?.attributes) {
    return Object.entries(serve.api.attributes).map(([name, a]) => (typeof a === "string" ? { name, type: a } : { name, ...a, ...(a.max_length !== undefined ? { maxLength: a.max_length } : {}) }));
  }
  if (transformerTaskOf(spec)) return [{ name: spec.model.input ?? ctx.defaults.transformerInput, type: "string" }];
  if (spec.kind === "App") return (ctx.appInputs ?? []).map((t) => ({ name: t.name, type: "number[]", length: t.length }));
  const f = spec.model.features;
  if (!f) return [];
  if (f.kind === "hashed-ngrams") return [{ name: f.input ?? ctx.defaults.textInput, type: "string" }];
  return f.columns.map((name) => ({ name, type: "number" }));
}

/** Response fields: `serve.api.response`, else a classifier's defaults or an App's outputs. */
export function declaredResponse(spec: ProjectSpec, serve: ServeSpec, ctx: RuleContext): DeclaredField[] {
  if (serve.api?.response) return Object.entries(serve.api.response).map(([name, type]) => ({ name, type }));
  const task = transformerTaskOf(spec);
  if (task) return [...taskApi(task).response];
  if (spec.kind === "App" && !spec.model.labels) return (ctx.appOutputs ?? []).map((name) => ({ name, type: "number[]" }));
  return Object.entries(ctx.defaults.response).map(([name, type]) => ({ name, type: type as DeclaredField["type"] }));
}

/** Why `value` does not fit `field`, or undefined when it does. */
export function misfit(value: unknown, field: DeclaredField): string | undefined {
  switch (field.type) {
    case "string":
      if (typeof value !== "string") return `must be a string, got ${show(value)}`;
      if (field.maxLength !== undefined && value.length > field.maxLength) return `is ${value.length} characters long, more than max_length ${field.maxLength}`;
      if (field.enum && !field.enum.includes(value)) return `must be one of ${field.enum.join(", ")}, got ${show(value)}`;
      return undefined;
    case "number":
    case "integer": {
      if (typeof value !== "number" || !Number.isFinite(value)) return `must be a${field.type === "integer" ? "n integer" : " number"}, got ${show(value)}`;
      if (field.type === "integer" && !Number.isInteger(value)) return `must be an integer, got ${value}`;
      if (field.min !== undefined && value < field.min) return `must be ≥ ${field.min}, got ${value}`;
      if (field.max !== undefined && value > field.max) return `must be ≤ ${field.max}, got ${value}`;
      return undefined;
    }
    case "boolean":
      return typeof value === "boolean" ? undefined : `must be true or false, got ${show(value)}`;
    case "number[]":
      if (!Array.isArray(value) || !value.every((x) => typeof x === "number" && Number.isFinite(x))) return `must be a list of numbers, got ${show(value)}`;
      if (field.length !== undefined && field.length > 0 && value.length !== field.length) return `must hold ${field.length} numbers (the model input's row), got ${value.length}`;
      return undefined;
    case "scores":
      return value !== null && typeof value === "object" && !Array.isArray(value) ? undefined : `must be a mapping of label to score, got ${show(value)}`;
    case "entities":
    case "keywords":
      // An expectation lists what must be found (a subset, matched field by field).
      return Array.isArray(value) && value.every((x) => x !== null && typeof x === "object" && !Array.isArray(x)) ? undefined : `must be a list of mappings, got ${show(value)}`;
    case "string[]":
      if (typeof value === "string" && field.enum?.includes(value)) return undefined;
      if (!Array.isArray(value) || !value.every((x) => typeof x === "string")) return `must be a list of strings${field.enum ? ` or one of ${field.enum.join(", ")}` : ""}, got ${show(value)}`;
      return field.maxLength !== undefined && value.length > field.maxLength ? `holds ${value.length} items, more than ${field.maxLength}` : undefined;
    case "integer[]":
      if (!Array.isArray(value) || !value.every((x) => Number.isInteger(x))) return `must be a list of integers, got ${show(value)}`;
      if (field.length !== undefined && value.length !== field.length) return `must hold ${field.length} integers, got ${value.length}`;
      if (value.some((x) => (field.min !== undefined && x < field.min) || (field.max !== undefined && x > field.max))) return `must hold integers between ${field.min} and ${field.max}`;
      return undefined;
  }
}

/** Checks a value or, in the batch form, a list of values (one per row). */
function misfitRows(value: unknown, field: DeclaredField): string | undefined {
  const listy = field.type === "number[]" || field.type === "entities" || field.type === "keywords";
  const isBatch = Array.isArray(value) && (!listy || value.some(Array.isArray));
  if (!isBatch) return misfit(value, field);
  for (const [i, row] of (value as unknown[]).entries()) {
    const why = misfit(row, field);
    if (why) return `row ${i + 1} ${why}`;
  }
  return undefined;
}

function show(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  return typeof value === "string" ? JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value) : String(value);
}

export function checkExamples(spec: ProjectSpec, serve: ServeSpec, attributes: readonly DeclaredField[], response: readonly DeclaredField[], ctx: RuleContext): RuleViolation[] {
  const out: RuleViolation[] = [];
  const labels = spec.model.labels ?? ctx.transformerLabels ?? [];
  const task = transformerTaskOf(spec);
  const parameters: DeclaredField[] = task
    ? taskApi(task).parameters.map((p) => ({ ...p, ...(p.words ? { enum: p.words } : {}), ...(p.maxItems !== undefined ? { maxLength: p.maxItems } : {}) }))
    : Object.entries(serve.api?.parameters ?? {}).map(([name, p]) => ({ name, ...p }));
  // An App whose signature could not be read has no known attributes; its error is reported elsewhere.
  const attributesKnown = spec.kind === "Project" || serve.api?.attributes !== undefined || attributes.length > 0;
  const bad = (path: (string | number)[], message: string, anchor: "key" | "value" = "value") => out.push({ rule: "example-mismatch", path, anchor, params: { message } });

  (serve.examples ?? []).forEach((ex, i) => {
    const base = ["steps", "serve", "examples", i];
    const names = (fields: readonly DeclaredField[]) => fields.map((f) => f.name).join(", ") || "none";
    if (attributesKnown) {
      for (const [key, value] of Object.entries(ex.attributes)) {
        const field = attributes.find((a) => a.name === key);
        if (!field) bad([...base, "attributes", key], `example attribute "${key}" is not a declared attribute (declared: ${names(attributes)})`, "key");
        else {
          const why = misfitRows(value, field);
          if (why) bad([...base, "attributes", key], `example attribute "${key}" ${why}`);
        }
      }
      for (const field of attributes) {
        if (!(field.name in ex.attributes)) bad([...base, "attributes"], `example lacks attribute "${field.name}" (${field.type})`, "key");
      }
    }
    for (const [key, value] of Object.entries(ex.parameters ?? {})) {
      const field = parameters.find((p) => p.name === key);
      if (!field) bad([...base, "parameters", key], `example parameter "${key}" is not a declared parameter (declared: ${names(parameters)})`, "key");
      else {
        const why = misfit(value, field);
        if (why) bad([...base, "parameters", key], `example parameter "${key}" ${why}`);
      }
    }
    for (const [key, value] of Object.entries(ex.expect ?? {})) {
      const field = response.find((r) => r.name === key);
      if (!field) {
        bad([...base, "expect", key], `expect.${key} is not a response field (response: ${names(response)})`, "key");
        continue;
      }
      const why = misfitRows(value, field);
      if (why) {
        bad([...base, "expect", key], `expect.${key} ${why}`);
        continue;
      }
      if (field.type === "scores" && labels.length > 0) {
        const rows = (Array.isArray(value) ? value : [value]) as Record<string, unknown>[];
        const stray = rows.flatMap((r) => Object.keys(r)).find((l) => !labels.includes(l));
        if (stray !== undefined) bad([...base, "expect", key], `expect.${key} names "${stray}", which is not one of the model's labels (${labels.join(", ")})`);
      }
      if (key === "label" && labels.length > 0) {
        const wanted = Array.isArray(value) ? value : [value];
        const wrong = wanted.find((l) => typeof l !== "string" || !labels.includes(l));
        if (wrong !== undefined) bad([...base, "expect", key], `expect.label ${show(wrong)} is not one of the model's labels (${labels.join(", ")})`);
      }
    }
  });
  return out;
}
