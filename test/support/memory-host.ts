/**
 * An in-memory Host for tests: a flat map of workspace-relative POSIX paths to bytes and modes.
 * Folders are implicit (a folder exists while a file lies below it), so pruning is a no-op.
 * It mimics the real file system where it matters to callers: writing below a file or over a
 * folder throws, as `fs` would.
 */
import type { Host } from "../../compiler/host.js";

export interface MemoryFile {
  bytes: Uint8Array;
  mode: number;
}

export interface MemoryHost extends Host {
  /** The live contents; tests may read and change it directly. */
  readonly files: Map<string, MemoryFile>;
  /** Text of a file, or undefined. */
  text(relPath: string): string | undefined;
  /** A copy of every file as text, for before/after comparisons. */
  snapshot(): Record<string, string>;
}

const encoder = new TextEncoder();
const toBytes = (c: string | Uint8Array) => (typeof c === "string" ? encoder.encode(c) : new Uint8Array(c));

/** Creates a memory host holding `initial` (path → text or bytes, mode 0644). */
export function memoryHost(initial: Record<string, string | Uint8Array> = {}, root = "/workspace"): MemoryHost {
  const files = new Map<string, MemoryFile>();
  for (const [p, c] of Object.entries(initial)) files.set(p, { bytes: toBytes(c), mode: 0o644 });
  const isDir = (rel: string) => {
    const prefix = rel === "" ? "" : `${rel}/`;
    for (const p of files.keys()) if (p.startsWith(prefix)) return true;
    return false;
  };
  const fsError = (code: string, rel: string) => Object.assign(new Error(`${code}: ${rel}`), { code });

  return {
    root,
    files,
    readFile: (rel) => files.get(rel)?.bytes,
    fileSize: (rel) => files.get(rel)?.bytes.byteLength,
    fileMode: (rel) => files.get(rel)?.mode,
    realPath: (rel) => (rel === "" ? root : files.has(rel) || isDir(rel) ? `${root}/${rel}` : undefined),
    listProjectSpecs: () => [...files.keys()].filter((p) => /^projects\/[^/]+\/project\.yaml$/.test(p)).sort(),
    listFiles: (relDir) => [...files.keys()].filter((p) => p.startsWith(`${relDir}/`)).sort(),
    writeFileAtomic(rel, contents, mode) {
      const parts = rel.split("/");
      for (let i = 1; i < parts.length; i++) {
        const parent = parts.slice(0, i).join("/");
        if (files.has(parent)) throw fsError("ENOTDIR", parent);
      }
      if (isDir(rel)) throw fsError("EISDIR", rel);
      files.set(rel, { bytes: toBytes(contents), mode });
    },
    deleteFile: (rel) => void files.delete(rel),
    pruneEmptyDirs: () => {},
    text: (rel) => {
      const f = files.get(rel);
      return f ? new TextDecoder().decode(f.bytes) : undefined;
    },
    snapshot: () => Object.fromEntries([...files].sort(([a], [b]) => (a < b ? -1 : 1)).map(([p, f]) => [p, `${f.mode.toString(8)} ${new TextDecoder().decode(f.bytes)}`])),
  };
}
