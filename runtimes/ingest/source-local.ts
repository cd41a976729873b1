/**
 * Local sources: `file://PATH` (relative to the workspace root, or absolute as
 * `file:///abs`) and `npm:PACKAGE/PATH` (a file or folder inside an installed package,
 * found in the workspace's node_modules the way Node resolves it: walking up).
 *
 * A `file://` source must stay inside the workspace — after following symbolic links — or
 * inside a folder listed in mesh.yaml `ingest.allow_paths`; /proc, /sys and /dev are never
 * read (runtimes/support/paths.ts). Inside a source folder only regular files are read:
 * symbolic links, FIFOs, sockets and devices are passed over, and each file is opened
 * without following links and checked to be the very file that was listed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { sha256Hex } from "../support/canonical-json.js";
import { confine, systemTree, type Boundary } from "../support/paths.js";
import type { OpenedSource, SourceFile } from "./types.js";

export class SourceError extends Error {}

function refuseDotDot(uri: string, rest: string): void {
  if (rest.split(/[\\/]/).includes("..")) throw new SourceError(`source ${uri} must not contain '..'`);
}

/** Opens a file or a folder (recursively, sorted) on disk. */
export function openLocalPath(uri: string, abs: string): OpenedSource {
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch {
    throw new SourceError(`source ${uri} not found (looked at ${abs})`);
  }
  const files: SourceFile[] = [];
  const stamp: string[] = [];
  const add = (name: string, file: string, s: fs.Stats) => {
    files.push({ name, size: s.size, read: () => readListedFile(uri, name, file, s) });
    stamp.push(`${name}\t${s.size}\t${Math.trunc(s.mtimeMs)}`);
  };
  if (st.isFile()) add("", abs, st);
  else if (st.isDirectory()) {
    const walk = (dir: string, prefix: string) => {
      const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const e of entries) {
        const p = path.join(dir, e.name);
        const name = prefix ? `${prefix}/${e.name}` : e.name;
        if (e.isDirectory()) walk(p, name);
        else if (e.isFile()) add(name, p, fs.lstatSync(p));
      }
    };
    walk(abs, "");
  } else throw new SourceError(`source ${uri} is neither a file nor a folder`);
  return { uri, folder: st.isDirectory(), files, fingerprint: sha256Hex(`${uri}\n${stamp.join("\n")}`) };
}

/**
 * Reads one listed file: opened without following a final symbolic link and without blocking
 * (a FIFO swapped in cannot hang us), then checked to be the same regular file that was listed.
 */
async function readListedFile(uri: string, name: string, file: string, listed: fs.Stats): Promise<Buffer> {
  const shown = name ? `${name} in ${uri}` : uri;
  let handle: fs.promises.FileHandle;
  try {
    handle = await fs.promises.open(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ELOOP") throw new SourceError(`source ${shown} became a symbolic link while it was read; refusing to follow it`);
    throw new SourceError(`source ${shown} cannot be read (${code ?? (err as Error).message})`);
  }
  try {
    const st = await handle.stat();
    if (!st.isFile() || st.ino !== listed.ino || st.dev !== listed.dev) throw new SourceError(`source ${shown} was replaced while it was read; refusing to read what it is now`);
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** The folders a `file://` source may be read from: the workspace, then mesh.yaml `ingest.allow_paths`. */
export function ingestBoundaries(root: string, allowPaths: readonly string[] = []): Boundary[] {
  const workspace = path.resolve(root);
  return [{ path: workspace, label: `the workspace ${workspace}` }, ...allowPaths.map((p) => ({ path: path.resolve(p), label: `${p} (ingest.allow_paths)` }))];
}

/** The absolute path a `file://` source names: relative to the workspace root, or absolute. */
export function fileSourcePath(uri: string, root: string): string {
  const rest = uri.slice("file://".length);
  if (!rest) throw new SourceError(`source ${uri} names no path`);
  if (rest.includes("\0")) throw new SourceError(`source ${uri} contains a NUL byte`);
  refuseDotDot(uri, rest);
  return path.isAbsolute(rest) ? path.resolve(rest) : path.resolve(root, rest);
}

export function openFileUri(uri: string, root: string, allowPaths: readonly string[] = []): OpenedSource {
  const abs = fileSourcePath(uri, root);
  const confined = confine(abs, ingestBoundaries(root, allowPaths), `source ${uri}`);
  if (!confined.ok) {
    const hint = confined.reason === "outside" ? "; to read it, list a folder that holds it under ingest.allow_paths in mesh.yaml" : "";
    throw new SourceError(`${confined.message}${hint}`);
  }
  return openLocalPath(uri, confined.real);
}

/** Splits `@scope/name/sub/path` or `name/sub/path` into package and path inside it. */
export function splitNpmSpecifier(spec: string): { pkg: string; sub: string } {
  const parts = spec.split("/");
  const n = spec.startsWith("@") ? 2 : 1;
  if (parts.length < n || parts.slice(0, n).some((p) => !p)) throw new SourceError(`npm:${spec} does not name a package`);
  return { pkg: parts.slice(0, n).join("/"), sub: parts.slice(n).join("/") };
}

export function openNpmUri(uri: string, root: string): OpenedSource {
  const spec = uri.slice("npm:".length);
  refuseDotDot(uri, spec);
  const { pkg, sub } = splitNpmSpecifier(spec);
  let dir = path.resolve(root);
  for (;;) {
    const candidate = path.join(dir, "node_modules", pkg);
    if (fs.existsSync(path.join(candidate, "package.json"))) {
      const base = fs.realpathSync(candidate);
      const target = path.join(base, sub);
      const real = fs.existsSync(target) ? fs.realpathSync(target) : target;
      if (real !== base && !real.startsWith(`${base}${path.sep}`)) {
        throw new SourceError(`source ${uri} resolves outside the package ${pkg}`);
      }
      const tree = systemTree(real);
      if (tree) throw new SourceError(`source ${uri} resolves to ${real}, inside ${tree}, which mesh never reads`);
      return openLocalPath(uri, real);
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new SourceError(`source ${uri}: package ${pkg} is not installed (npm install ${pkg})`);
    dir = parent;
  }
}
