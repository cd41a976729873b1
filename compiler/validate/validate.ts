/**
 * validate: a loaded YAML document + a zod schema → the typed value, or every problem at
 * once as positioned diagnostics. Nothing unvalidated ever leaves this function.
 */
import type { z } from "zod";
import type { Diagnostic, Result } from "../diagnostics/diagnostic.js";
import { createDiagnostic } from "../diagnostics/registry.js";
import type { LoadedYaml } from "../load/load-yaml.js";
import { locate } from "../load/locate.js";
import { issueToDiagnostics, type IssueContext } from "./issue-to-diagnostic.js";

export interface ValidateOptions {
  readonly unknownKey?: IssueContext["unknownKey"];
}

/** A validation result; when the schema refused the document, the issues it raised too. */
export interface Validated<T> extends Result<T> {
  readonly issues?: readonly z.core.$ZodIssue[];
}

/** Runs `schema` over the document; all issues become diagnostics, deduplicated. */
export function validateLoaded<S extends z.ZodType>(loaded: LoadedYaml, schema: S, options: ValidateOptions = {}): Validated<z.infer<S>> {
  let parsed: ReturnType<S["safeParse"]>;
  try {
    parsed = schema.safeParse(loaded.value) as ReturnType<S["safeParse"]>;
  } catch (err) {
    // A schema must not throw, but if one ever does the user still gets a diagnostic.
    const message = `could not validate: ${err instanceof Error ? err.message : String(err)}`;
    return { diagnostics: [createDiagnostic("invalid-value", locate(loaded, []), { message })] };
  }
  if (parsed.success) return { value: parsed.data as z.infer<S>, diagnostics: [] };
  const ctx: IssueContext = { loaded, schema, ...(options.unknownKey ? { unknownKey: options.unknownKey } : {}) };
  const seen = new Set<string>();
  const diagnostics: Diagnostic[] = [];
  for (const issue of parsed.error.issues) {
    for (const d of issueToDiagnostics(issue, ctx)) {
      const id = `${d.line}:${d.column}:${d.code}:${d.path}:${d.message}`;
      if (!seen.has(id)) {
        seen.add(id);
        diagnostics.push(d);
      }
    }
  }
  return { diagnostics, issues: parsed.error.issues };
}
