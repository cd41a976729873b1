/**
 * Rendering diagnostics for people (`FILE:LINE:COL severity CODE path: message` plus an
 * indented hint) and for programs (one JSON object per line). Sorting lives here too, so every
 * command prints problems in the same order: by file, then position, then code.
 */
import type { Diagnostic } from "./diagnostic.js";

/** Diagnostics in reading order: file, line, column, code, message. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...diagnostics].sort((a, b) => cmp(a.file, b.file) || a.line - b.line || a.column - b.column || cmp(a.code, b.code) || cmp(a.message, b.message));
}

/**
 * Text for a terminal: control, line-breaking and invisible formatting characters (bidi
 * controls among them) written as `\u{XXXX}`, so a file name or a quoted value can neither
 * break the one-line format nor reorder what the reader sees.
 */
export function printable(text: string): string {
  return text.replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}}`);
}

/** One diagnostic as text; position-less ones (line 0) print the file alone. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file;
  const path = d.path ? ` ${d.path}` : "";
  const head = printable(`${where} ${d.severity} ${d.code}${path}: ${d.message}`);
  return d.hint ? `${head}\n    hint: ${printable(d.hint)}` : head;
}

/** One diagnostic as a JSON object on one line (stable key order). */
export function formatDiagnosticJson(d: Diagnostic): string {
  return JSON.stringify({
    file: d.file,
    line: d.line,
    column: d.column,
    severity: d.severity,
    code: d.code,
    path: d.path,
    message: d.message,
    ...(d.hint ? { hint: d.hint } : {}),
  });
}

export type DiagnosticFormat = "text" | "json";

/** All diagnostics, sorted, one per line (text hints take a second, indented line). */
export function formatDiagnostics(diagnostics: readonly Diagnostic[], format: DiagnosticFormat = "text"): string {
  const render = format === "json" ? formatDiagnosticJson : formatDiagnostic;
  return sortDiagnostics(diagnostics).map(render).join("\n");
}
