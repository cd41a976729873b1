/**
 * A diagnostic: one problem, pointing into a file. Stages return `{ value, diagnostics }`;
 * only the CLI turns diagnostics into output and exit codes.
 */
export type Severity = "error" | "warning";

export interface Diagnostic {
  /** Workspace-relative path (POSIX) of the file the problem is in. */
  readonly file: string;
  /** 1-based; 0 when the problem has no position (e.g. a missing file). */
  readonly line: number;
  readonly column: number;
  readonly severity: Severity;
  /** Stable code from the registry, e.g. MESH012. */
  readonly code: string;
  /** Dotted path into the document, e.g. `serve.batching.max_batch`; "" for the whole file. */
  readonly path: string;
  readonly message: string;
  readonly hint?: string;
}

export interface Result<T> {
  /** Present only when there are no error diagnostics. */
  readonly value?: T;
  readonly diagnostics: readonly Diagnostic[];
}

export const hasErrors = (diagnostics: readonly Diagnostic[]) => diagnostics.some((d) => d.severity === "error");
