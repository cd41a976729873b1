/**
 * `serve.api` must fit the model: a text classifier reads one string attribute (the
 * hashed-ngrams input), a tabular classifier exactly its standardized numeric columns; a
 * classifier answers with label / score / scores; parameter defaults fit their own type,
 * range and enum.
 */
import type { ProjectSpec, ServeSpec } from "../project.js";
import { misfit } from "./examples.js";
import type { RuleContext, RuleViolation } from "./types.js";

const CLASSIFIER_RESPONSE: Readonly<Record<string, string>> = { label: "string", score: "number", scores: "scores" };
const API = ["steps", "serve", "api"];

export function checkServeApi(spec: ProjectSpec, serve: ServeSpec, ctx: RuleContext): RuleViolation[] {
  const out: RuleViolation[] = [];
  const api = serve.api;
  if (!api) return out;
  const bad = (rule: RuleViolation["rule"], path: (string | number)[], message: string, anchor: "key" | "value" = "value", hint?: string) =>
    out.push({ rule, path, anchor, params: { message }, ...(hint ? { hint } : {}) });

  const attrs = api.attributes;
  if (attrs) {
    const typeOf = (name: string) => {
      const a = attrs[name];
      return a === undefined ? undefined : typeof a === "string" ? a : a.type;
    };
    if (spec.kind === "App") {
      bad("api-task-mismatch", [...API, "attributes"], "an App's request attributes are its model's inputs (read from the ONNX file); remove serve.api.attributes", "key");
    } else if (!spec.model.features) {
      // A transformer's request is fixed by its task (rules/transformer.ts says so).
    } else if (spec.model.features.kind === "hashed-ngrams") {
      const input = spec.model.features.input ?? ctx.defaults.textInput;
      const t = typeOf(input);
      if (t === undefined)
        bad("api-task-mismatch", [...API, "attributes"], `text-classification reads the attribute "${input}" (model.features.input), which serve.api.attributes lacks`, "key", `add ${input}: string`);
      else if (t !== "string") bad("api-task-mismatch", [...API, "attributes", input], `attribute "${input}" is the text the model classifies and must be a string, not ${t}`);
      for (const name of Object.keys(attrs)) {
        if (name !== input) bad("api-task-mismatch", [...API, "attributes", name], `attribute "${name}" is not read by the model; text-classification reads only "${input}"`, "key");
      }
    } else {
      const columns = spec.model.features.kind === "standardize" ? spec.model.features.columns : [];
      for (const col of columns) {
        const t = typeOf(col);
        if (t === undefined)
          bad("api-task-mismatch", [...API, "attributes"], `tabular-classification reads the column "${col}" (model.features.columns), which serve.api.attributes lacks`, "key", `add ${col}: number`);
        else if (t !== "number" && t !== "integer") bad("api-task-mismatch", [...API, "attributes", col], `attribute "${col}" is a standardized model input and must be number or integer, not ${t}`);
      }
      for (const name of Object.keys(attrs)) {
        if (!columns.includes(name)) bad("api-task-mismatch", [...API, "attributes", name], `attribute "${name}" is not one of the model's columns (${columns.join(", ")})`, "key");
      }
    }
  }

  const classifier = spec.kind === "Project" || spec.model.labels !== undefined;
  for (const [name, type] of Object.entries(api.response ?? {})) {
    if (!classifier) {
      bad("response-field", [...API, "response", name], "an App without model.labels answers with its output tensors; remove serve.api.response or declare model.labels", "key");
      break;
    }
    const allowed = CLASSIFIER_RESPONSE[name];
    const list = Object.entries(CLASSIFIER_RESPONSE)
      .map(([n, t]) => `${n} (${t})`)
      .join(", ");
    if (allowed === undefined) bad("response-field", [...API, "response", name], `response field "${name}" is not produced by a classifier; allowed: ${list}`, "key");
    else if (allowed !== type) bad("response-field", [...API, "response", name], `response field "${name}" is a ${allowed}, not ${type}`);
  }

  for (const [name, p] of Object.entries(api.parameters ?? {})) {
    const path = [...API, "parameters", name];
    if (p.min !== undefined && p.max !== undefined && p.min > p.max) bad("parameter-default", [...path, "min"], `parameter "${name}" has min ${p.min} above max ${p.max}`);
    if (p.enum && p.type !== "string") bad("parameter-default", [...path, "enum"], `parameter "${name}" has an enum, which only a string parameter may have (type: ${p.type})`);
    if ((p.min !== undefined || p.max !== undefined) && p.type !== "number" && p.type !== "integer")
      bad("parameter-default", path, `parameter "${name}" has min/max, which only a number or integer parameter may have (type: ${p.type})`, "key");
    if (p.default !== undefined) {
      const why = misfit(p.default, { name, ...p });
      if (why) bad("parameter-default", [...path, "default"], `default of parameter "${name}" ${why}`);
    }
  }
  return out;
}
