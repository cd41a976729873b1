/**
 * The compiler front half as one call: load every spec (or the given ones), validate,
 * check workspace-wide rules, lower to IR. Returns all diagnostics at once and IR only
 * when there are no errors. Used by `generate`, `run`, `serve`, `build`.
 *
 * NOTE (skeleton): load/validate here are a placeholder until compiler/load and
 * compiler/validate land with positions; the signature is final.
 */
import { parse } from "yaml";
import type { Host } from "./host.js";
import type { Diagnostic, Result } from "./diagnostics/diagnostic.js";
import type { ProjectIR } from "./ir.js";
import { projectSpecSchema } from "../schemas/project.js";
import { lower } from "./lower/lower.js";
import { MESH_VERSION } from "./version.js";

export interface CompileOptions {
  /** Spec paths relative to the workspace root; default: every projects/<dir>/project.yaml. */
  readonly specPaths?: readonly string[];
  /** Output root relative to the workspace root (default "out"). */
  readonly outDir?: string;
}

export async function compileWorkspace(host: Host, options: CompileOptions = {}): Promise<Result<ProjectIR[]>> {
  const paths = options.specPaths ?? host.listProjectSpecs();
  const diagnostics: Diagnostic[] = [];
  const irs: ProjectIR[] = [];
  for (const specPath of paths) {
    const bytes = host.readFile(specPath);
    if (!bytes) {
      diagnostics.push({ file: specPath, line: 0, column: 0, severity: "error", code: "MESH001", path: "", message: "file not found" });
      continue;
    }
    const parsed = projectSpecSchema.safeParse(parse(Buffer.from(bytes).toString("utf8")));
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        diagnostics.push({ file: specPath, line: 1, column: 1, severity: "error", code: "MESH010", path: issue.path.join("."), message: issue.message });
      }
      continue;
    }
    irs.push(lower({ spec: parsed.data, specPath, meshVersion: MESH_VERSION }));
  }
  return diagnostics.length > 0 ? { diagnostics } : { value: irs, diagnostics };
}

/** Finds one project's IR by name among the workspace's specs. */
export async function compileProject(host: Host, name: string): Promise<Result<ProjectIR>> {
  const result = await compileWorkspace(host);
  if (!result.value) return { diagnostics: result.diagnostics };
  const ir = result.value.find((p) => p.name === name);
  if (!ir) {
    const known = result.value.map((p) => p.name).join(", ") || "none";
    return { diagnostics: [{ file: "projects", line: 0, column: 0, severity: "error", code: "MESH002", path: "", message: `no project named "${name}" (projects: ${known})` }] };
  }
  return { value: ir, diagnostics: result.diagnostics };
}
