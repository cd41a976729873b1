/**
 * The spec files a workspace names in mesh.yaml `projects:` (globs such as
 * `projects/*\/project.yaml` or `teams/**\/project.yaml`), found through the Host. Each glob
 * must start with a literal folder, so expansion walks that folder only, never the whole root.
 */
import { globToRegExp } from "../../runtimes/support/glob.js";
import type { Host } from "../host.js";

/** A spec glob's regular expression: the spec language's one dialect (runtimes/support/glob.ts). */
export { globToRegExp as globRegExp } from "../../runtimes/support/glob.js";

/** The literal folder a glob starts with (`teams` for `teams/**\/project.yaml`). */
export function globBase(glob: string): string {
  const segments = glob.split("/");
  const firstWild = segments.findIndex((s) => s.includes("*"));
  return segments.slice(0, firstWild < 0 ? segments.length - 1 : firstWild).join("/");
}

/** Workspace-relative spec paths matching any of `globs`, sorted, without duplicates. */
export function expandSpecGlobs(host: Host, globs: readonly string[]): string[] {
  const found = new Set<string>();
  for (const glob of globs) {
    const base = globBase(glob);
    if (!glob.includes("*")) {
      if (host.fileSize(glob) !== undefined) found.add(glob);
      continue;
    }
    if (base === "") continue; // refused by the schema too: a glob must start with a folder
    const re = globToRegExp(glob);
    for (const file of host.listFiles(base)) if (re.test(file) && !file.split("/").includes("node_modules")) found.add(file);
  }
  return [...found].sort();
}
