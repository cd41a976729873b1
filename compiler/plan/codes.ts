/**
 * Diagnostics of the back half (plan + emit), MESH3xx, created through the diagnostics registry.
 * Plan and emit problems point at files (a generated path, the manifest, a linked folder), never
 * at a line, so every one is position-less.
 */
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { createDiagnostic, type MessageId, type MessageParams } from "../diagnostics/registry.js";

export type PlanMessageId = Extract<
  MessageId,
  "unsafe-generated-path" | "generated-path-conflict" | "bad-manifest" | "unsafe-manifest-path" | "symlinked-folder" | "generator-failed" | "write-failed" | "workspace-outputs-stale"
>;

/** A plan/emit error about `file` (workspace-relative); `docPath` points into JSON (the manifest). */
export function planDiagnostic<I extends PlanMessageId>(id: I, file: string, params: MessageParams<I>, hint?: string, docPath = ""): Diagnostic {
  return createDiagnostic(id, { file, line: 0, column: 0, path: docPath }, params, hint);
}
