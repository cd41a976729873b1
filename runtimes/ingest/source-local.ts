/**
 * Local sources: `file://PATH` (relative to the workspace root, or absolute as
 * `file:///abs`) and `npm:PACKAGE/PATH` (a file or folder inside an installed package,
 * found in the workspace's node_modules the way Node resolves it: walking up).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { sha256Hex } from "../support/canonical-json.js";
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
    files.push({ name, size: s.size, read: () => fs.promises.readFile(file) });
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
        else if (e.isFile()) add(name, p, fs.statSync(p));
      }
    };
    walk(abs, "");
  } else throw new SourceError(`source ${uri} is neither a file nor a folder`);
  return { uri, folder: st.isDirectory(), files, fingerprint: sha256Hex(`${uri}\n${stamp.join("\n")}`) };
}

export function openFileUri(uri: string, root: string): OpenedSource {
  const rest = uri.slice("file://".length);
  if (!rest) throw new SourceError(`source ${uri} names no path`);
  refuseDotDot(uri, rest);
  return openLocalPath(uri, path.isAbsolute(rest) ? rest : path.join(root, rest));
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
      return openLocalPath(uri, target);
    }
    const parent = path.dirname(dir);
    if (parent === dir) throw new SourceError(`source ${uri}: package ${pkg} is not installed (npm install ${pkg})`);
    dir = parent;
  }
}
