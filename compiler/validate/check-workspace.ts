/**
 * The optional workspace file `mesh.yaml` at the root, through the same load and validate
 * path as every spec, so its problems carry positions too — and the checks that need both
 * a spec and mesh.yaml, such as where a `file://` ingest source may read.
 */
import * as path from "node:path";
import type { Host } from "../host.js";
import type { Diagnostic, Result } from "../diagnostics/diagnostic.js";
import { createDiagnostic } from "../diagnostics/registry.js";
import { loadYaml, type LoadedYaml } from "../load/load-yaml.js";
import { locate } from "../load/locate.js";
import { workspaceSchema, type WorkspaceSpec } from "../../schemas/workspace.js";
import type { ProjectSpec } from "../../schemas/project.js";
import { isInside, systemTree } from "../../runtimes/support/paths.js";
import { validateLoaded } from "./validate.js";

export const WORKSPACE_FILE = "mesh.yaml";

/** `{ value: undefined }` without diagnostics when the file is absent (it is optional). */
export function checkWorkspaceFile(host: Host): Result<WorkspaceSpec | undefined> {
  if (host.fileSize(WORKSPACE_FILE) === undefined) return { value: undefined, diagnostics: [] };
  const loaded = loadYaml(host, WORKSPACE_FILE);
  if (!loaded.value) return { diagnostics: loaded.diagnostics };
  const validated = validateLoaded(loaded.value, workspaceSchema);
  return validated.value ? { value: validated.value, diagnostics: loaded.diagnostics } : { diagnostics: [...loaded.diagnostics, ...validated.diagnostics] };
}

/** mesh.yaml `ingest.allow_paths` (absolute folders), [] without the file or the setting. */
export function ingestAllowPaths(host: Host): string[] {
  return [...(checkWorkspaceFile(host).value?.ingest?.allow_paths ?? [])];
}

const URI_PATH = ["steps", "ingest", "source", "uri"] as const;
const ALLOW_HINT = "a file:// source must lie inside the workspace; to read a folder outside it, list the folder under ingest.allow_paths in mesh.yaml";

/**
 * Why the `file://` ingest source `uri` may not be read, as far as validation can know without
 * reading it: a path in /proc, /sys or /dev; outside the workspace and every
 * `ingest.allow_paths` folder; or (for a path inside the workspace that exists) a symbolic
 * link leading out of it. The ingest step checks again when it reads (runtimes/ingest).
 */
export function fileSourceProblem(host: Host, uri: string, allowPaths: readonly string[]): string | undefined {
  const rest = uri.slice("file://".length);
  if (rest === "") return undefined;
  const root = path.resolve(host.root);
  const abs = path.isAbsolute(rest) ? path.resolve(rest) : path.resolve(root, rest);
  const tree = systemTree(abs);
  if (tree) return `${uri} names ${abs}, inside ${tree}, which mesh never reads`;
  const allowed = allowPaths.map((p) => path.resolve(p));
  if (!isInside(root, abs)) {
    return allowed.some((a) => isInside(a, abs)) ? undefined : `${uri} names ${abs}, outside the workspace ${root}${allowed.length ? ` and outside ingest.allow_paths (${allowed.join(", ")})` : ""}`;
  }
  const real = host.realPath?.(path.relative(root, abs).split(path.sep).join("/"));
  if (real === undefined) return undefined;
  const realTree = systemTree(real);
  if (realTree) return `${uri} resolves to ${real} (through a symbolic link), inside ${realTree}, which mesh never reads`;
  const realRoot = host.realPath?.("") ?? root;
  if (isInside(realRoot, real) || allowed.some((a) => isInside(a, real))) return undefined;
  return `${uri} resolves to ${real} (through a symbolic link), outside the workspace ${root}`;
}

interface SpecForIngest {
  readonly loaded: LoadedYaml;
  readonly spec: ProjectSpec;
}

/** MESH038 for every spec whose `file://` ingest source lies where mesh.yaml does not let it read. */
export function ingestSourceDiagnostics(host: Host, specs: readonly SpecForIngest[], workspace: WorkspaceSpec | undefined): Diagnostic[] {
  const allow = workspace?.ingest?.allow_paths ?? [];
  const out: Diagnostic[] = [];
  for (const { loaded, spec } of specs) {
    const uri = spec.kind === "Project" ? spec.steps.ingest?.source.uri : undefined;
    if (!uri?.startsWith("file://")) continue;
    const problem = fileSourceProblem(host, uri, allow);
    if (problem) out.push(createDiagnostic("ingest-source-outside", locate(loaded, URI_PATH), { message: problem }, problem.includes(", which mesh never reads") ? undefined : ALLOW_HINT));
  }
  return out;
}
