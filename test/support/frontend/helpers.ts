/** Shared helpers of the frontend tests: example specs as text, compile in memory, lines out. */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { compileWorkspace, type CompileOptions } from "../../../compiler/pipeline.js";
import { formatDiagnostic } from "../../../compiler/diagnostics/format.js";
import type { Diagnostic } from "../../../compiler/diagnostics/diagnostic.js";
import { memoryHost, type MemoryHost } from "../memory-host.js";

export const REPO = fileURLToPath(new URL("../../../", import.meta.url));

/** The text of an example spec shipped in projects/ (docs and fixtures at once). */
export function exampleText(name: "spam" | "iris" | "colors"): string {
  return readFileSync(`${REPO}projects/${name}/project.yaml`, "utf8");
}

/** Bytes of the colors App model, so in-memory workspaces can hold the App too. */
export function colorsModel(): Uint8Array {
  return readFileSync(`${REPO}projects/colors/model.onnx`);
}

/** A memory workspace holding `files` (path → text/bytes). */
export function workspace(files: Record<string, string | Uint8Array>): MemoryHost {
  return memoryHost(files);
}

/** Compiles the memory workspace; returns the diagnostics as printed lines and the IR. */
export async function compileLines(host: MemoryHost, options: CompileOptions = {}) {
  const result = await compileWorkspace(host, options);
  return { ...result, lines: result.diagnostics.map(formatDiagnostic) };
}

/** A one-spec workspace at projects/<name>/project.yaml (the name taken from the text). */
export async function compileSpec(text: string, name = folderFor(text)) {
  return compileLines(workspace({ [`projects/${name}/project.yaml`]: text }));
}

/** The folder a spec would live in: its name when that is a plain label, else "x". */
function folderFor(text: string): string {
  const name = /^name:\s*(\S+)\s*$/m.exec(text)?.[1] ?? "x";
  return /^[a-z0-9-]+$/.test(name) ? name : "x";
}

/** Replaces exactly one occurrence of `from` (fails loudly if it is not there once). */
export function edit(text: string, from: string, to: string): string {
  const at = text.indexOf(from);
  if (at < 0 || text.indexOf(from, at + 1) >= 0) throw new Error(`edit: "${from}" must occur exactly once`);
  return text.slice(0, at) + to + text.slice(at + from.length);
}

export const codes = (ds: readonly Diagnostic[]) => ds.map((d) => d.code);
