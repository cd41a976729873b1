/** `file://REL`: relative to the project folder; may climb with `..` but never leaves the workspace, symlinks included. */
import { realpath } from "node:fs/promises";
import * as path from "node:path";
import { ModelSourceError } from "./errors.js";
import { readLocalModel, type LocalModel } from "./local.js";
import { isInside } from "./paths.js";
import type { FileModelUri } from "./uri.js";

export async function resolveFileUri(u: FileModelUri, root: string, baseDir: string): Promise<LocalModel> {
  const workspace = path.resolve(root);
  const abs = path.resolve(baseDir, ...u.path.split("/"));
  if (!isInside(workspace, abs)) throw new ModelSourceError("outside", `${u.uri} resolves to ${abs}, outside the workspace ${workspace}`);
  return readLocalModel({ uri: u.uri, abs, boundary: await realpath(workspace), boundaryLabel: `the workspace ${workspace}` });
}
