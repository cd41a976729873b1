/**
 * What makes a project's CI jobs run: the paths whose change can change its images, outputs or
 * behaviour — its own folder (spec, App model, sources), its generated output, a local ingest
 * source, and what every project shares (the mesh code, the lockfile, mesh.yaml).
 */
import type { ProjectIR } from "../../compiler/ir.js";

/** Paths (prefixes) shared by every project. */
export const SHARED_PATHS: readonly string[] = [
  "bin/",
  "compiler/",
  "generators/",
  "runtimes/",
  "schemas/",
  "scripts/",
  "mesh.yaml",
  "package.json",
  "package-lock.json",
  "tsconfig.json",
  "tsconfig.build.json",
];

/** The workspace-relative folder of the project's spec, e.g. `projects/spam/`. */
export const specFolder = (ir: ProjectIR): string => ir.specPath.slice(0, ir.specPath.lastIndexOf("/") + 1);

/** Path prefixes that belong to one project (shared paths excluded). */
export function projectPaths(ir: ProjectIR): string[] {
  const paths = new Set<string>([specFolder(ir), `out/${ir.name}/`]);
  const uri = ir.ingest?.uri;
  // A workspace-relative file source (`file://data/x.csv`); npm sources follow the lockfile.
  if (uri?.startsWith("file://") && !uri.startsWith("file:///")) paths.add(uri.slice("file://".length));
  return [...paths].sort();
}
