/**
 * Where the workspace is, for commands run from anywhere inside it: the nearest folder, from
 * the current one upwards, that holds `mesh.yaml`, else the nearest that holds `projects/`,
 * else the current folder. Paths users type are relative to their cwd; the compiler works
 * with workspace-relative POSIX paths, so output never depends on where a command ran.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The workspace root (absolute) for a command started in `cwd`. */
export function findWorkspaceRoot(cwd: string): string {
  const ancestors: string[] = [];
  for (let dir = path.resolve(cwd); ; dir = path.dirname(dir)) {
    ancestors.push(dir);
    if (path.dirname(dir) === dir) break;
  }
  const has = (dir: string, name: string, kind: "file" | "dir") => {
    try {
      const st = fs.statSync(path.join(dir, name));
      return kind === "file" ? st.isFile() : st.isDirectory();
    } catch {
      return false;
    }
  };
  return ancestors.find((d) => has(d, "mesh.yaml", "file")) ?? ancestors.find((d) => has(d, "projects", "dir")) ?? path.resolve(cwd);
}

/**
 * A path the user typed (relative to `cwd`, or absolute) as a workspace-relative POSIX path;
 * undefined when it lies outside the workspace (or is the root itself).
 */
export function toWorkspacePath(root: string, cwd: string, typed: string): string | undefined {
  const rel = path.relative(root, path.resolve(cwd, typed));
  if (rel === "" || rel === ".." || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return undefined;
  return rel.split(path.sep).join("/");
}
