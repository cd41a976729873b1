/**
 * The compiler front half as one call: load every spec (or the given ones) and the optional
 * workspace file `mesh.yaml`, validate them, check each spec's cross-field rules and the
 * workspace-wide ones, then lower to IR. Returns all diagnostics at once (sorted) and IR only
 * when there are no errors: when any spec is invalid, no project gets IR, so nothing is written.
 * Used by `validate`, `generate`, `run`, `serve`, `build`.
 */
import * as path from "node:path";
import type { Host } from "./host.js";
import { hasErrors, type Diagnostic, type Result } from "./diagnostics/diagnostic.js";
import { createDiagnostic } from "./diagnostics/registry.js";
import { sortDiagnostics } from "./diagnostics/format.js";
import type { ProjectIR } from "./ir.js";
import { lower } from "./lower/lower.js";
import { MESH_VERSION } from "./version.js";
import { checkSpec, type CheckedSpec, type SpecIdentity } from "./validate/check-spec.js";
import { WORKSPACE_FILE, checkWorkspaceFile, ingestSourceDiagnostics } from "./validate/check-workspace.js";
import { expandSpecGlobs } from "./load/spec-globs.js";
import { ruleDiagnostics } from "./validate/apply-rules.js";
import { workspaceRules } from "../schemas/project-rules.js";

export interface CompileOptions {
  /** Spec paths relative to the workspace root; default: mesh.yaml `projects` globs, else every projects/<dir>/project.yaml. */
  readonly specPaths?: readonly string[];
  /** Output root relative to the workspace root (default: mesh.yaml `out`, else "out"). */
  readonly outDir?: string;
}

export const DEFAULT_OUT_DIR = "out";

export async function compileWorkspace(host: Host, options: CompileOptions = {}): Promise<Result<ProjectIR[]>> {
  const diagnostics: Diagnostic[] = [];
  const workspace = checkWorkspaceFile(host);
  diagnostics.push(...workspace.diagnostics);

  const globs = workspace.value?.projects;
  const paths = [...new Set(options.specPaths ?? (globs ? expandSpecGlobs(host, globs) : host.listProjectSpecs()))];
  const checked: CheckedSpec[] = [];
  // Every spec whose name and key are valid takes part in the workspace-wide rules, even when
  // other parts of it are wrong: all problems at once.
  const identities: SpecIdentity[] = [];
  for (const specPath of paths) {
    const result = checkSpec(host, specPath);
    diagnostics.push(...result.diagnostics);
    if (result.value) {
      checked.push(result.value);
      identities.push({ file: result.value.file, loaded: result.value.loaded, name: result.value.spec.name, key: result.value.spec.key });
    } else if (result.identity) identities.push(result.identity);
  }
  const byFile = new Map(identities.map((c) => [c.file, c]));
  for (const v of workspaceRules(identities.map((c) => ({ file: c.file, spec: { name: c.name, key: c.key } })))) {
    const loaded = byFile.get(v.file)!.loaded;
    diagnostics.push(...ruleDiagnostics(loaded, [v]));
  }
  // file:// ingest sources may read only the workspace and mesh.yaml's ingest.allow_paths.
  diagnostics.push(...ingestSourceDiagnostics(host, checked, workspace.value));
  if (hasErrors(diagnostics)) return { diagnostics: sortDiagnostics(diagnostics) };

  const outDir = options.outDir ?? workspace.value?.out ?? DEFAULT_OUT_DIR;
  const irs = checked.map((c) =>
    lower({
      spec: c.spec,
      ...(workspace.value ? { workspace: workspace.value } : {}),
      specPath: c.file,
      meshVersion: MESH_VERSION,
      rootFromOut: rootFromOut(host.root, outDir, c.spec.name),
      ...(c.appSignature ? { appSignature: c.appSignature } : {}),
      ...(c.transformer ? { transformer: c.transformer } : {}),
    }),
  );
  return { value: irs, diagnostics: sortDiagnostics(diagnostics) };
}

/** The specs a workspace holds: mesh.yaml `projects` globs, else every projects/<dir>/project.yaml. */
export function listSpecPaths(host: Host): string[] {
  const globs = checkWorkspaceFile(host).value?.projects;
  return globs ? expandSpecGlobs(host, globs) : host.listProjectSpecs();
}

/** Relative POSIX path from `<outDir>/<name>` back to the workspace root, e.g. `../..`. */
export function rootFromOut(root: string, outDir: string, name: string): string {
  const from = path.resolve(root, outDir, name);
  const rel = path.relative(from, path.resolve(root));
  return rel.split(path.sep).join("/") || ".";
}

/**
 * Finds one project's IR by name among the workspace's specs. When other specs are broken but
 * this project's own spec (projects/<name>/project.yaml) and mesh.yaml are clean, the project
 * still compiles, with a warning naming the skipped files: one broken spec must not stop
 * `mesh run` or `mesh serve` of another.
 */
export async function compileProject(host: Host, name: string, options: CompileOptions = {}): Promise<Result<ProjectIR>> {
  const result = await compileWorkspace(host, options);
  if (!result.value) return compileAlone(host, name, options, result.diagnostics);
  const ir = result.value.find((p) => p.name === name);
  if (!ir) {
    const known = result.value.map((p) => p.name).join(", ") || "none";
    const at = { file: "projects", line: 0, column: 0, path: "" };
    return { diagnostics: [...result.diagnostics, createDiagnostic("project-not-found", at, { name, known })] };
  }
  return { value: ir, diagnostics: result.diagnostics };
}

async function compileAlone(host: Host, name: string, options: CompileOptions, failed: readonly Diagnostic[]): Promise<Result<ProjectIR>> {
  const own = (options.specPaths ?? listSpecPaths(host)).find((p) => p.split("/").at(-2) === name && p.endsWith("/project.yaml"));
  const broken = new Set(failed.filter((d) => d.severity === "error").map((d) => d.file));
  if (!own || broken.has(own) || broken.has(WORKSPACE_FILE)) return { diagnostics: failed };
  const alone = await compileWorkspace(host, { ...options, specPaths: [own] });
  const ir = alone.value?.[0];
  if (!ir || ir.name !== name) return { diagnostics: failed };
  const skipped = createDiagnostic("other-specs-invalid", { file: own, line: 0, column: 0, path: "" }, { files: [...broken].sort().join(", ") });
  return { value: ir, diagnostics: [...alone.diagnostics, skipped] };
}
