/**
 * Reading a model that is already on disk (`file://`, `npm:`): one file or a folder, hashed
 * in place, never copied. Everything read must stay inside a boundary (the workspace, or the
 * package) after following symlinks, must not be in /proc, /sys or /dev, and must be a
 * regular file: a FIFO or device is refused before it is opened, so it cannot hang us.
 */
import type { Dirent } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import * as path from "node:path";
import { ModelSourceError } from "./errors.js";
import { describeKind, hashFile, type FileKind } from "./hash.js";
import { isHidden, isInside, systemTree } from "./paths.js";
import type { ModelFile } from "./types.js";

export interface LocalTarget {
  readonly uri: string;
  /** Absolute path the URI names (before symlinks). */
  readonly abs: string;
  /** Real path nothing may leave, e.g. the workspace root. */
  readonly boundary: string;
  /** The boundary in messages, e.g. "the workspace /w" or "package foo". */
  readonly boundaryLabel: string;
}

export interface LocalModel {
  readonly kind: "file" | "folder";
  readonly path: string;
  readonly files: readonly ModelFile[];
}

const byPath = (a: ModelFile, b: ModelFile) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** Where `abs` really is, refused when it leaves the boundary or enters a system tree. */
async function checkedRealpath(t: LocalTarget, abs: string, shown: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      throw new ModelSourceError("not-found", abs === t.abs ? `${t.uri} not found (looked at ${abs})` : `${shown} in ${t.uri} is a broken symlink`);
    }
    throw new ModelSourceError("io", `cannot read ${shown} of ${t.uri} (${code ?? (err as Error).message})`, { cause: err });
  }
  const tree = systemTree(real);
  if (tree) throw new ModelSourceError("outside", `${shown} resolves to ${real}, inside ${tree}, which mesh never reads`);
  if (!isInside(t.boundary, real)) {
    throw new ModelSourceError("outside", `${shown} resolves to ${real}, outside ${t.boundaryLabel}; files and symlinks must stay inside it`);
  }
  return real;
}

/** Hashes the file or folder `t` names. */
export async function readLocalModel(t: LocalTarget): Promise<LocalModel> {
  const tree = systemTree(t.abs);
  if (tree) throw new ModelSourceError("outside", `${t.uri} names ${t.abs}, inside ${tree}, which mesh never reads`);
  const real = await checkedRealpath(t, t.abs, t.uri);
  // stat (not open) learns the type without blocking on a FIFO.
  const st = await stat(real);
  if (st.isFile()) {
    const name = path.basename(t.abs);
    return { kind: "file", path: t.abs, files: [{ path: name, ...(await hashFile(real, t.uri)) }] };
  }
  if (!st.isDirectory()) throw new ModelSourceError("not-regular", `${t.uri} is ${describeKind(st)}, not a model file or folder`);
  const files: ModelFile[] = [];
  await walk(t, t.abs, real, "", new Set([real]), files);
  if (files.length === 0) throw new ModelSourceError("incomplete", `${t.uri} is an empty folder (hidden files do not count)`);
  return { kind: "folder", path: t.abs, files: files.sort(byPath) };
}

async function walk(t: LocalTarget, dirAbs: string, dirReal: string, prefix: string, visited: Set<string>, out: ModelFile[]): Promise<void> {
  const entries = (await readdir(dirAbs, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (isHidden(e.name)) continue;
    if (e.name.includes("\\")) throw new ModelSourceError("invalid-uri", `${JSON.stringify(rel)} in ${t.uri} has a backslash in its name, which a lock cannot pin portably`);
    const abs = path.join(dirAbs, e.name);
    const { real, kind } = await entryKind(t, e, abs, path.join(dirReal, e.name), rel);
    if (kind.isDirectory()) {
      if (visited.has(real)) throw new ModelSourceError("outside", `${rel} in ${t.uri} is a symlink loop`);
      await walk(t, abs, real, rel, new Set([...visited, real]), out);
    } else if (kind.isFile()) {
      out.push({ path: rel, ...(await hashFile(real, `${rel} in ${t.uri}`)) });
    } else {
      throw new ModelSourceError("not-regular", `${rel} in ${t.uri} is ${describeKind(kind)}; a model folder holds only regular files and folders`);
    }
  }
}

/** The entry's real path and type; a symlink is followed only after its target passed the boundary check. */
async function entryKind(t: LocalTarget, e: Dirent, abs: string, realGuess: string, rel: string): Promise<{ real: string; kind: FileKind }> {
  if (!e.isSymbolicLink()) return { real: realGuess, kind: e };
  const real = await checkedRealpath(t, abs, `${rel} in ${t.uri}`);
  return { real, kind: await stat(real) };
}
