/**
 * The download cache. Each source has a folder (`<cacheDir>/<scheme>/<…>`) holding
 * immutable entries named by the sha256 of their file list (path → sha256 + size), so a lock
 * names its entry without asking any server. An entry is downloaded into a staging folder
 * beside it and renamed into place only when complete and verified: an entry that exists is
 * whole. `refs/` remembers which entry a URI (and, for the Hub, a commit) resolved to, which is
 * what lets a second resolve skip the network.
 */
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { canonicalJson, sha256Hex } from "../support/canonical-json.js";
import { hashFile } from "./hash.js";
import type { LockedFile } from "./lock.js";
import type { ModelFile } from "./types.js";

/** Inside every entry; hidden, so folder listings never count it as a model file. */
export const ENTRY_MARKER = ".mesh-entry.json";

export interface CacheRef {
  readonly entry: string;
  /** Whether the request named one file or a folder (the same bytes can be either). */
  readonly kind: "file" | "folder";
  /** The Hub commit the URI resolved to. */
  readonly revision?: string;
}

const toMap = (files: readonly ModelFile[]): Record<string, LockedFile> => Object.fromEntries(files.map((f) => [f.path, { sha256: f.sha256, size: f.size }]));

/** The entry name for a file list: sha256 of its canonical JSON. */
export function contentKey(files: readonly ModelFile[] | Readonly<Record<string, LockedFile>>): string {
  return sha256Hex(canonicalJson(Array.isArray(files) ? toMap(files) : files));
}

export class SourceCache {
  constructor(
    /** This source's folder in the cache. */
    readonly dir: string,
    private readonly log: (line: string) => void,
  ) {}

  entryDir(key: string): string {
    return path.join(this.dir, key);
  }

  /**
   * The files of entry `key` when it is intact: its marker lists them, the list hashes to
   * `key`, and every file still hashes to the marker. A damaged entry is removed (and
   * reported) so the caller downloads it again.
   */
  async readEntry(key: string): Promise<ModelFile[] | undefined> {
    const dir = this.entryDir(key);
    let listed: Record<string, LockedFile>;
    try {
      listed = (JSON.parse(await readFile(path.join(dir, ENTRY_MARKER), "utf8")) as { files: Record<string, LockedFile> }).files;
    } catch {
      return undefined; // no entry (a folder without a marker was never renamed into place by us)
    }
    const files: ModelFile[] = [];
    try {
      if (contentKey(listed) !== key) throw new Error("marker does not match the entry name");
      for (const rel of Object.keys(listed).sort()) {
        const got = await hashFile(path.join(dir, ...rel.split("/")), rel);
        const pin = listed[rel];
        if (!pin || got.sha256 !== pin.sha256 || got.size !== pin.size) throw new Error(`${rel} changed`);
        files.push({ path: rel, ...got });
      }
    } catch (err) {
      this.log(`  cached copy in ${dir} is damaged (${(err as Error).message}); downloading it again`);
      await rm(dir, { recursive: true, force: true });
      return undefined;
    }
    return files;
  }

  async readRef(name: string): Promise<CacheRef | undefined> {
    try {
      const ref = JSON.parse(await readFile(this.refPath(name), "utf8")) as Partial<CacheRef>;
      if (typeof ref.entry !== "string" || !/^[0-9a-f]{64}$/.test(ref.entry) || (ref.kind !== "file" && ref.kind !== "folder")) return undefined;
      return { entry: ref.entry, kind: ref.kind, ...(typeof ref.revision === "string" ? { revision: ref.revision } : {}) };
    } catch {
      return undefined;
    }
  }

  /** Records `ref` for `name` (temp file + rename: readers never see half a ref). */
  async writeRef(name: string, ref: CacheRef): Promise<void> {
    const file = this.refPath(name);
    await mkdir(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, canonicalJson({ name, ...ref }, true));
    await rename(tmp, file);
  }

  /** A fresh staging folder beside the entries. */
  async stage(): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    return mkdtemp(path.join(this.dir, ".staging-"));
  }

  /**
   * Seals a complete, verified staging folder as the entry for `files` and returns its key.
   * Another process may have sealed the same content meanwhile: then its entry is used.
   */
  async commit(staging: string, files: readonly ModelFile[], source: string): Promise<string> {
    const key = contentKey(files);
    await writeFile(path.join(staging, ENTRY_MARKER), canonicalJson({ files: toMap(files), source }, true));
    try {
      await rename(staging, this.entryDir(key));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw err;
      if (!(await this.readEntry(key))) await rename(staging, this.entryDir(key));
      else await rm(staging, { recursive: true, force: true });
    }
    return key;
  }

  private refPath(name: string): string {
    return path.join(this.dir, "refs", `${sha256Hex(name).slice(0, 32)}.json`);
  }
}
