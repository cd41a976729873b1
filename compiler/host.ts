/**
 * The Host seam: every file-system access of the compiler goes through it, so most tests run
 * in memory. `nodeHost` is the real one; `memoryHost` (test/support) is the fake.
 */
import * as fs from "node:fs";
import * as path from "node:path";

export interface Host {
  /** Absolute path of the workspace root; every other path is relative to it (POSIX). */
  readonly root: string;
  readFile(relPath: string): Uint8Array | undefined;
  /** Size in bytes, or undefined when absent; lets the loader refuse huge files before reading. */
  fileSize(relPath: string): number | undefined;
  /** Relative POSIX paths of files matching `projects/<dir>/project.yaml`, sorted. */
  listProjectSpecs(): string[];
  /** Files below a relative folder (recursive), relative to the root, sorted; [] if absent. */
  listFiles(relDir: string): string[];
  /** Atomic write: temp file in the same folder, then rename. Creates parent folders. */
  writeFileAtomic(relPath: string, contents: string | Uint8Array, mode: number): void;
  deleteFile(relPath: string): void;
  /** Removes empty parent folders of a deleted file, up to (not including) `stopAt`. */
  pruneEmptyDirs(relDir: string, stopAt: string): void;
  /** Permission bits (e.g. 0o755) of a file, or undefined when absent. Optional: lets plan see mode drift. */
  fileMode?(relPath: string): number | undefined;
  /**
   * Absolute real path (symbolic links resolved) of an existing file or folder, or undefined
   * when absent; `""` is the root. Optional: lets plan refuse output folders that are links.
   */
  realPath?(relPath: string): string | undefined;
  /**
   * What `lstat` says of a path (the path itself, not where a link points), or undefined when
   * absent. Optional: lets the generate cache trust an output file by its stat signature
   * instead of reading and hashing it (compiler/plan/stat-signature.ts).
   */
  fileStat?(relPath: string): FileStat | undefined;
}

export interface FileStat {
  /** A regular file (not a link, not a folder). */
  readonly isFile: boolean;
  /** A symbolic link (to anything, or dangling). */
  readonly isLink: boolean;
  /** Permission bits, e.g. 0o644. */
  readonly mode: number;
  /** Status change time in nanoseconds: set by the kernel on every write, chmod, rename or utimes. */
  readonly ctimeNs: bigint;
  /** Device, inode, size, mtime, ctime and mode in one string; equal strings mean an untouched file. */
  readonly signature: string;
}

const toPosix = (p: string) => p.split(path.sep).join("/");

export function nodeHost(root: string): Host {
  const abs = (rel: string) => path.join(root, rel);
  // Folders this host made: a cold generate writes thousands of files into a few hundred
  // folders, and a recursive mkdir per file was a tenth of its CPU. A folder removed behind
  // the host's back (a long-lived host under `mesh dev`) is made again on ENOENT.
  const madeDirs = new Set<string>();
  const ensureDir = (dir: string) => {
    if (madeDirs.has(dir)) return;
    fs.mkdirSync(dir, { recursive: true });
    // Its parents exist now too; a later file directly in one of them needs no mkdir either.
    for (let d = dir; d.length > root.length && !madeDirs.has(d); d = path.dirname(d)) madeDirs.add(d);
  };
  return {
    root,
    readFile(rel) {
      try {
        return fs.readFileSync(abs(rel));
      } catch {
        return undefined;
      }
    },
    fileSize(rel) {
      try {
        const st = fs.statSync(abs(rel));
        return st.isFile() ? st.size : undefined;
      } catch {
        return undefined;
      }
    },
    listProjectSpecs() {
      const dir = abs("projects");
      if (!fs.existsSync(dir)) return [];
      return fs
        .readdirSync(dir, { withFileTypes: true })
        .filter((d) => d.isDirectory() && fs.existsSync(path.join(dir, d.name, "project.yaml")))
        .map((d) => `projects/${d.name}/project.yaml`)
        .sort();
    },
    listFiles(relDir) {
      const start = abs(relDir);
      if (!fs.existsSync(start)) return [];
      const out: string[] = [];
      // Relative names are built by appending, not by path.relative per file: the walk of a
      // 6,000-file out/ spent more time on path arithmetic than on readdir.
      const walk = (dir: string, rel: string) => {
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
          const r = rel === "" ? e.name : `${rel}/${e.name}`;
          if (e.isDirectory()) walk(path.join(dir, e.name), r);
          else if (e.isFile()) out.push(r);
        }
      };
      walk(start, toPosix(path.relative(root, start)));
      return out.sort();
    },
    writeFileAtomic(rel, contents, mode) {
      const target = abs(rel);
      ensureDir(path.dirname(target));
      const tmp = `${target}.mesh-tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
      try {
        try {
          fs.writeFileSync(tmp, contents, { mode });
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
          madeDirs.clear();
          ensureDir(path.dirname(target));
          fs.writeFileSync(tmp, contents, { mode });
        }
        fs.chmodSync(tmp, mode);
        fs.renameSync(tmp, target);
      } catch (err) {
        fs.rmSync(tmp, { force: true });
        throw err;
      }
    },
    fileMode(rel) {
      try {
        const st = fs.statSync(abs(rel));
        return st.isFile() ? st.mode & 0o777 : undefined;
      } catch {
        return undefined;
      }
    },
    realPath(rel) {
      try {
        return fs.realpathSync.native(abs(rel));
      } catch {
        return undefined;
      }
    },
    fileStat(rel) {
      let st: fs.BigIntStats | undefined;
      try {
        st = fs.lstatSync(abs(rel), { bigint: true, throwIfNoEntry: false });
      } catch {
        return undefined; // e.g. ENOTDIR: a parent is a file
      }
      if (!st) return undefined;
      return {
        isFile: st.isFile(),
        isLink: st.isSymbolicLink(),
        mode: Number(st.mode & 0o777n),
        ctimeNs: st.ctimeNs,
        signature: `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.mode.toString(8)}`,
      };
    },
    deleteFile(rel) {
      fs.rmSync(abs(rel), { force: true });
    },
    pruneEmptyDirs(relDir, stopAt) {
      let dir = relDir;
      while (dir && dir !== stopAt && dir !== "." && dir.startsWith(`${stopAt}/`)) {
        const a = abs(dir);
        try {
          if (fs.readdirSync(a).length > 0) return;
          fs.rmdirSync(a);
          madeDirs.clear();
        } catch {
          return;
        }
        dir = path.posix.dirname(dir);
      }
    },
  };
}
