/**
 * One zod issue → diagnostics a user understands, positioned on the YAML node it is about:
 * the key node for unknown keys, the value node otherwise, the nearest existing ancestor when
 * the value is missing. Messages say what was expected and what was found
 * (`expected integer from 1 to 4096, got "8x"`), with "did you mean" for keys and enum values.
 */
import type { z } from "zod";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { createDiagnostic } from "../diagnostics/registry.js";
import type { LoadedYaml } from "../load/load-yaml.js";
import { locate } from "../load/locate.js";
import { didYouMean } from "../../runtimes/support/did-you-mean.js";
import { allowedKeys, keyHomes, schemaAt } from "./schema-walk.js";
import { describe, showValue } from "./describe-expected.js";

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

export interface IssueContext {
  readonly loaded: LoadedYaml;
  readonly schema: z.ZodType;
  /** Lets a caller word an unknown key better (e.g. a lifecycle step in an App). */
  readonly unknownKey?: (path: Path, key: string) => Diagnostic | undefined;
}

/** The value at `path` in the document, or undefined. */
export function valueAt(root: unknown, path: Path): unknown {
  let v: unknown = root;
  for (const seg of path) {
    if (v === null || typeof v !== "object") return undefined;
    v = (v as Record<string, unknown>)[String(seg)];
  }
  return v;
}

const suggestion = (word: unknown, candidates: readonly string[]) => {
  const s = typeof word === "string" ? didYouMean(word, candidates) : undefined;
  return s ? `; did you mean "${s}"?` : "";
};

const isMissing = (root: unknown, path: Path) => {
  if (path.length === 0) return false;
  const parent = valueAt(root, path.slice(0, -1));
  return parent !== null && typeof parent === "object" && !Array.isArray(parent) && !Object.hasOwn(parent, String(path.at(-1)));
};

/** Converts one issue (paths relative to `prefix`) into diagnostics. */
export function issueToDiagnostics(issue: Issue, ctx: IssueContext, prefix: Path = []): Diagnostic[] {
  const path: Path = [...prefix, ...issue.path];
  const root = ctx.loaded.value;
  const value = valueAt(root, path);
  const here = () => locate(ctx.loaded, path);
  const expected = () => describe(schemaAt(ctx.schema, path, root));

  switch (issue.code) {
    case "invalid_type":
      if (isMissing(root, path)) return [missing(ctx, path)];
      return [createDiagnostic("invalid-type", here(), { expected: expected(), got: showValue(value) })];

    case "too_small":
    case "too_big":
      if (issue.origin === "number" || issue.origin === "int" || issue.origin === "bigint") {
        return [createDiagnostic("out-of-range", here(), { expected: expected(), got: showValue(value) })];
      }
      return [createDiagnostic("invalid-size", here(), { expected: expected(), got: sizeOf(value) })];

    case "not_multiple_of":
      return [createDiagnostic("out-of-range", here(), { expected: `a multiple of ${String(issue.divisor)}`, got: showValue(value) })];

    case "invalid_format": {
      const rule = issue.format === "regex" ? issue.message : `is not a valid ${issue.format}`;
      return [createDiagnostic("invalid-format", here(), { got: showValue(value), rule })];
    }

    case "invalid_value": {
      const values = issue.values.map(String);
      const exp = values.length === 1 ? JSON.stringify(values[0]) : `one of ${values.join(", ")}`;
      return [createDiagnostic("invalid-enum", here(), { expected: exp, got: showValue(value), suggestion: suggestion(value, values) })];
    }

    case "unrecognized_keys": {
      const allowed = allowedKeys(schemaAt(ctx.schema, path, root), value);
      return issue.keys.map((key) => {
        const custom = ctx.unknownKey?.(path, key);
        if (custom) return custom;
        const s = suggestion(key, allowed);
        const homes = s ? [] : keyHomes(ctx.schema, key).slice(0, 3);
        const hint = homes.length > 0 ? `"${key}" belongs under ${homes.join(" or ")}` : !s && allowed.length > 0 && allowed.length <= 24 ? `allowed here: ${allowed.join(", ")}` : undefined;
        return createDiagnostic("unknown-key", locate(ctx.loaded, [...path, key], "key"), { key, suggestion: s }, hint);
      });
    }

    case "invalid_key": {
      const key = String(path.at(-1));
      const at = locate(ctx.loaded, path, "key");
      const inner = issue.issues[0];
      if (inner?.code === "invalid_value") {
        const values = inner.values.map(String);
        return [createDiagnostic("unknown-key", at, { key, suggestion: suggestion(key, values) }, `allowed here: ${values.join(", ")}`)];
      }
      return [createDiagnostic("invalid-key", at, { key, rule: inner?.message ?? "is not allowed here" })];
    }

    case "invalid_union":
      return unionIssue(issue, ctx, path, value);

    case "custom":
      return [createDiagnostic("invalid-format", here(), { got: showValue(value), rule: issue.message })];

    default:
      return [createDiagnostic("invalid-value", here(), { message: issue.message })];
  }
}

function missing(ctx: IssueContext, path: Path): Diagnostic {
  const expected = describe(schemaAt(ctx.schema, path, ctx.loaded.value));
  return createDiagnostic("missing-field", locate(ctx.loaded, path), { key: String(path.at(-1)), expected });
}

function sizeOf(value: unknown): string {
  if (typeof value === "string") return `${value.length} characters`;
  return showValue(value);
}

/**
 * Unions: a bad discriminator is reported as an enum problem on that key; otherwise the
 * branch the value was evidently meant for (not a plain type mismatch) explains the error.
 */
function unionIssue(issue: Extract<Issue, { code: "invalid_union" }>, ctx: IssueContext, path: Path, value: unknown): Diagnostic[] {
  const root = ctx.loaded.value;
  if ("discriminator" in issue && typeof issue.discriminator === "string") {
    const options = ((issue as { options?: unknown[] }).options ?? []).map(String);
    const exp = `one of ${options.join(", ")}`;
    // zod puts the discriminator key on the path already.
    const keyPath = path.at(-1) === issue.discriminator ? path : [...path, issue.discriminator];
    const got = valueAt(root, keyPath);
    if (isMissing(root, keyPath)) return [createDiagnostic("missing-field", locate(ctx.loaded, keyPath), { key: issue.discriminator, expected: exp })];
    return [createDiagnostic("invalid-enum", locate(ctx.loaded, keyPath), { expected: exp, got: showValue(got), suggestion: suggestion(got, options) })];
  }
  // A branch that failed only because the value has another type altogether (a number where
  // a string enum or a mapping was expected) was not the one the user meant.
  const wrongKind = (i: Issue) => i.path.length === 0 && (i.code === "invalid_type" || (i.code === "invalid_value" && i.values.every((x) => typeof x !== typeof value)));
  const branches = issue.errors.filter((b) => !(b.length === 1 && wrongKind(b[0]!)));
  if (branches.length === 0) {
    if (isMissing(root, path)) return [missing(ctx, path)];
    return [createDiagnostic("invalid-type", locate(ctx.loaded, path), { expected: describe(schemaAt(ctx.schema, path, root)), got: showValue(value) })];
  }
  const best = branches.reduce((a, b) => (b.length < a.length ? b : a));
  return best.flatMap((i) => issueToDiagnostics(i, ctx, path));
}
