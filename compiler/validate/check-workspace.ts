/**
 * The optional workspace file `mesh.yaml` at the root, through the same load and validate
 * path as every spec, so its problems carry positions too.
 */
import type { Host } from "../host.js";
import type { Result } from "../diagnostics/diagnostic.js";
import { loadYaml } from "../load/load-yaml.js";
import { workspaceSchema, type WorkspaceSpec } from "../../schemas/workspace.js";
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
