/**
 * A build context as a list of entries, streamed to the engine as a tar with fixed owners
 * and times (so the same inputs make the same tar), and hashed from content. The hash is the
 * image's identity: `<name>-<step>:<first 12 hex>`, and the reason a second build is skipped.
 */
import { createHash } from "node:crypto";
import { createReadStream, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import tar from "tar-stream";

export interface ContextEntry {
  /** POSIX path inside the context. */
  readonly path: string;
  readonly mode: number;
  readonly size: number;
  /** Either a host file to stream, or literal bytes. */
  readonly localPath?: string;
  readonly bytes?: Uint8Array;
  /** Modification time of `localPath` when listed (for cheap fingerprints). */
  readonly mtimeMs?: number;
}

/** Fixed mtime for every entry: the context depends on content, not on when files were touched. */
export const CONTEXT_MTIME = new Date("2020-01-01T00:00:00Z");

export function textEntry(path: string, text: string, mode = 0o644): ContextEntry {
  const bytes = Buffer.from(text, "utf8");
  return { path, mode, size: bytes.length, bytes };
}

/**
 * Adds every file below `localDir` as `<prefix>/<relative path>`; `keep(rel)` filters by the
 * POSIX path relative to `localDir`. Symlinks are followed only when they point at files.
 */
export function treeEntries(localDir: string, prefix: string, keep: (rel: string) => boolean = () => true): ContextEntry[] {
  const out: ContextEntry[] = [];
  const walk = (dir: string, rel: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const abs = join(dir, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (keep(`${r}/`)) walk(abs, r);
        continue;
      }
      if (!keep(r)) continue;
      const st = statSync(abs, { throwIfNoEntry: false });
      if (!st?.isFile()) continue;
      // Executable bits survive (native tools), everything else is read-only for the user.
      out.push({ path: `${prefix}/${r}`, mode: st.mode & 0o111 ? 0o755 : 0o644, size: st.size, localPath: abs, mtimeMs: st.mtimeMs });
    }
  };
  walk(localDir, "");
  return out;
}

const fileHashes = new Map<string, string>();

function entryHash(e: ContextEntry): string {
  if (e.bytes) return createHash("sha256").update(e.bytes).digest("hex");
  const st = statSync(e.localPath!);
  const key = `${e.localPath}\0${st.size}\0${st.mtimeMs}`;
  let h = fileHashes.get(key);
  if (!h) {
    h = createHash("sha256").update(readFileSync(e.localPath!)).digest("hex");
    fileHashes.set(key, h);
  }
  return h;
}

/**
 * Reads every host file of the context into memory once, so that the hash and the tar see
 * the same bytes even when files change meanwhile (a rebuild of dist/ running next to us).
 */
export function snapshot(entries: readonly ContextEntry[]): ContextEntry[] {
  return entries.map((e) => {
    if (e.bytes) return e;
    const bytes = readFileSync(e.localPath!);
    return { path: e.path, mode: e.mode, size: bytes.length, bytes };
  });
}

/** sha256 over every entry's path, mode and content, in path order. */
export function contextHash(entries: readonly ContextEntry[]): string {
  const h = createHash("sha256");
  for (const e of [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    h.update(`${e.path}\0${e.mode.toString(8)}\0${entryHash(e)}\n`);
  }
  return h.digest("hex");
}

/**
 * A cheap identity of the entries from file metadata (path, mode, size, mtime) and literal
 * bytes, without reading host files: when it matches a recorded one, so does the content hash.
 */
export function fingerprint(entries: readonly ContextEntry[]): string {
  const h = createHash("sha256");
  for (const e of [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const id = e.bytes ? createHash("sha256").update(e.bytes).digest("hex") : `${e.localPath}\0${e.size}\0${e.mtimeMs ?? statSync(e.localPath!).mtimeMs}`;
    h.update(`${e.path}\0${e.mode.toString(8)}\0${id}\n`);
  }
  return h.digest("hex");
}

/** Total bytes of the entries' contents. */
export const contextBytes = (entries: readonly ContextEntry[]) => entries.reduce((n, e) => n + e.size, 0);

/** The context as an uncompressed tar stream (files only; COPY creates the folders). */
export function contextTar(entries: readonly ContextEntry[]): Readable {
  const pack = tar.pack();
  const sorted = [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  void (async () => {
    try {
      for (const e of sorted) {
        const header = { name: e.path, size: e.size, mode: e.mode, mtime: CONTEXT_MTIME, uid: 0, gid: 0, uname: "root", gname: "root" };
        if (e.bytes) {
          await new Promise<void>((res, rej) => pack.entry(header, Buffer.from(e.bytes!), (err) => (err ? rej(err) : res())));
        } else {
          const sink = pack.entry(header);
          await pipeline(createReadStream(e.localPath!), sink);
        }
      }
      pack.finalize();
    } catch (err) {
      pack.destroy(err as Error);
    }
  })();
  return pack as unknown as Readable;
}
