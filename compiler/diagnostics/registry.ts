/**
 * The diagnostics registry: every problem mesh can report, by stable code, with its severity
 * and message template (TypeSpec's `messages.ts`). Every diagnostic anywhere is created through
 * `createDiagnostic`, so codes stay unique and messages stay consistent; tests and users can
 * rely on a code keeping its meaning.
 *
 * Templates name their parameters in braces; the parameter object is type-checked against them.
 */
import type { Diagnostic, Severity } from "./diagnostic.js";

interface MessageDef {
  readonly code: `MESH${number}`;
  readonly severity: Severity;
  readonly template: string;
}

export const MESSAGES = {
  // ---- files and YAML (load)
  "file-not-found": { code: "MESH001", severity: "error", template: "file not found" },
  "project-not-found": { code: "MESH002", severity: "error", template: 'no project named "{name}" (projects: {known})' },
  "file-too-large": { code: "MESH003", severity: "error", template: "file is {size} bytes; a spec may be at most {max} bytes (1 MiB)" },
  "not-utf8": { code: "MESH004", severity: "error", template: "file is not valid UTF-8 (byte 0x{byte} cannot start or continue a character here)" },
  "empty-file": { code: "MESH005", severity: "error", template: "file is empty; expected a mapping such as `apiVersion: mesh/v1`" },
  "yaml-syntax": { code: "MESH006", severity: "error", template: "YAML syntax error: {message}" },
  "duplicate-key": { code: "MESH007", severity: "error", template: 'duplicate key "{key}"; each key may appear once per mapping' },
  "tab-indent": { code: "MESH008", severity: "error", template: "tab character used for indentation; YAML indents with spaces" },
  "alias-limit": { code: "MESH009", severity: "error", template: "aliases expand to too many nodes (at most {max} alias uses); refusing a possible alias bomb" },
  "root-not-mapping": { code: "MESH010", severity: "error", template: "the document must be a mapping of keys to values, got {got}" },
  "yaml-warning": { code: "MESH011", severity: "warning", template: "YAML: {message}" },

  // ---- schema (validate)
  "invalid-type": { code: "MESH012", severity: "error", template: "expected {expected}, got {got}" },
  "unknown-key": { code: "MESH013", severity: "error", template: 'unknown key "{key}"{suggestion}' },
  "missing-field": { code: "MESH014", severity: "error", template: 'required field "{key}" is missing (expected {expected})' },
  "out-of-range": { code: "MESH015", severity: "error", template: "expected {expected}, got {got}" },
  "invalid-format": { code: "MESH016", severity: "error", template: "{got} {rule}" },
  "invalid-enum": { code: "MESH017", severity: "error", template: "expected {expected}, got {got}{suggestion}" },
  "invalid-size": { code: "MESH018", severity: "error", template: "expected {expected}, got {got}" },
  "invalid-key": { code: "MESH019", severity: "error", template: 'key "{key}" {rule}' },
  "invalid-value": { code: "MESH020", severity: "error", template: "{message}" },

  // ---- cross-field rules of one project (schemas/project-rules.ts)
  "step-requires": { code: "MESH021", severity: "error", template: "the {step} step needs the {needs} step ({why})" },
  "app-no-lifecycle": { code: "MESH022", severity: "error", template: 'an App serves an externally maintained model and has no "{step}" step; only "serve"' },
  "target-column-missing": { code: "MESH023", severity: "error", template: 'register.schema has no column "{column}", the model\'s target (model.target)' },
  "target-enum": { code: "MESH024", severity: "error", template: "{message}" },
  "feature-column": { code: "MESH025", severity: "error", template: "{message}" },
  "api-task-mismatch": { code: "MESH026", severity: "error", template: "{message}" },
  "response-field": { code: "MESH027", severity: "error", template: "{message}" },
  "example-mismatch": { code: "MESH028", severity: "error", template: "{message}" },
  "parameter-default": { code: "MESH029", severity: "error", template: "{message}" },
  "neuron-batch": { code: "MESH030", severity: "error", template: "{message}" },
  "neuron-shape": { code: "MESH036", severity: "error", template: "{message}" },
  "cron-schedule": { code: "MESH050", severity: "error", template: 'schedule "{value}" is not a cron expression: {problem}' },
  "release-steps": { code: "MESH051", severity: "error", template: "{message}" },
  "autoscale-bounds": { code: "MESH052", severity: "error", template: "{message}" },
  "pretrained-gates": { code: "MESH053", severity: "error", template: "{message}" },
  "rows-over-queue": { code: "MESH054", severity: "error", template: "{message}" },

  // ---- workspace-wide rules
  "duplicate-name": { code: "MESH031", severity: "error", template: 'project name "{name}" is also used by {other}' },
  "duplicate-registry-key": { code: "MESH032", severity: "error", template: 'registry key "{key}" is also used by {other}' },
  "folder-name": { code: "MESH033", severity: "error", template: 'name "{name}" must equal the project folder name "{folder}"' },
  "map-glob-slash": { code: "MESH039", severity: "warning", template: "{message}" },
  "ingest-source-outside": { code: "MESH038", severity: "error", template: "{message}" },

  // ---- load, added later (codes are stable identifiers; grouping is cosmetic)
  "reserved-key": { code: "MESH034", severity: "error", template: 'key "{key}" is reserved in JavaScript objects and cannot be used' },
  "other-specs-invalid": { code: "MESH035", severity: "warning", template: "skipped other specs with errors: {files} (run mesh validate)" },
  "spec-path": { code: "MESH037", severity: "error", template: "the spec path {problem}; it is written into generated headers, Make recipes and CI steps" },

  // ---- App models (the ONNX signature read at compile time)
  "model-not-found": { code: "MESH040", severity: "error", template: "model file {file} not found" },
  "model-corrupt": { code: "MESH041", severity: "error", template: "model file {file} is not a readable ONNX model: {reason}" },
  "model-source-remote": { code: "MESH042", severity: "error", template: "cannot read the model signature from {scheme} at compile time" },
  "model-sha256": { code: "MESH043", severity: "error", template: "model file {file} has sha256 {actual}, the spec pins {expected}" },
  "model-signature": { code: "MESH044", severity: "error", template: "{message}" },
  "model-too-large": { code: "MESH045", severity: "error", template: "model file {file} is {size} bytes; at most {max} bytes can be inspected" },

  // ---- transformer models (model folder + model.lock.json)
  "transformer-model": { code: "MESH046", severity: "error", template: "{message}" },
  "model-not-locked": { code: "MESH047", severity: "error", template: "{message}" },
  "model-lock": { code: "MESH048", severity: "error", template: "{file}: {message}" },

  // ---- plan and emit (compiler/plan, compiler/emit): paths, manifest, writing
  "unsafe-generated-path": { code: "MESH301", severity: "error", template: "generated path {path} {reason}; refusing to write outside {dir}/" },
  "generated-path-conflict": { code: "MESH302", severity: "error", template: "{message}" },
  "bad-manifest": { code: "MESH303", severity: "error", template: "{message}" },
  "unsafe-manifest-path": { code: "MESH304", severity: "error", template: "recorded path {path} {reason}; refusing to touch it" },
  "symlinked-folder": { code: "MESH305", severity: "error", template: "is a symbolic link (to {target}); mesh writes generated output only into real folders inside the workspace" },
  "generator-failed": { code: "MESH306", severity: "error", template: "generating failed: {message}" },
  "write-failed": { code: "MESH307", severity: "error", template: "could not write or delete: {message}; {undone}" },
  "workspace-outputs-stale": { code: "MESH308", severity: "warning", template: "{dir}/ not updated: it is generated from every spec, and {files} have errors (run mesh validate)" },
} as const satisfies Record<string, MessageDef>;

export type MessageId = keyof typeof MESSAGES;

type ParamNames<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? P | ParamNames<Rest> : never;

/** The parameters a message's template names, each a string or a number. */
export type MessageParams<I extends MessageId> = { readonly [K in ParamNames<(typeof MESSAGES)[I]["template"]>]: string | number };

/** Where a diagnostic points. `line`/`column` are 1-based; 0 means "no position". */
export interface DiagnosticLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  /** Dotted path into the document; "" for the whole file. */
  readonly path: string;
}

/** Fills a message template; unknown placeholders are left as they are (never happens: type-checked). */
export function formatMessage(template: string, params: Readonly<Record<string, string | number>>): string {
  return template.replace(/\{([a-z][A-Za-z0-9]*)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Creates the diagnostic `id` at `at`, its message filled from `params`. */
export function createDiagnostic<I extends MessageId>(id: I, at: DiagnosticLocation, params: MessageParams<I>, hint?: string): Diagnostic {
  const def: MessageDef = MESSAGES[id];
  return {
    file: at.file,
    line: at.line,
    column: at.column,
    severity: def.severity,
    code: def.code,
    path: at.path,
    message: formatMessage(def.template, params as Record<string, string | number>),
    ...(hint ? { hint } : {}),
  };
}

/** Joins path segments the way diagnostics print them: `steps.compile.targets.1.batch_size`. */
export const dottedPath = (path: readonly PropertyKey[]): string => path.map(String).join(".");
