/**
 * The flow every remote scheme shares (s3://, https://, hf://); a scheme only says how to
 * list its files and how to stream one. In order:
 *   1. with a lock: the entry the lock names, if intact — no network; else download exactly
 *      the locked files and hold each to its pinned sha256 and size;
 *   2. without: the entry this URI resolved to before (unless `refresh`) — no network;
 *   3. list the source; if the server's identity (commit, ETags) was seen before, reuse that
 *      entry; else download everything into staging, check each file against what the
 *      server announced, seal the entry, remember the refs.
 */
import { rm } from "node:fs/promises";
import * as path from "node:path";
import { ModelSourceError } from "./errors.js";
import type { Digest, MeterOptions } from "./hash.js";
import { SourceCache, contentKey, type CacheRef } from "./cache.js";
import { mismatchSentence, type ModelLock } from "./lock.js";
import { formatBytes } from "./paths.js";
import type { ModelFile } from "./types.js";

export interface RemoteFile {
  /** POSIX path inside the model folder (the file name for a single file). */
  readonly path: string;
  /** Where the scheme fetches it: an object key, a URL. */
  readonly from: string;
  /** What the server announced, checked after the download. */
  readonly size?: number;
  readonly sha256?: string;
  /** Git blob sha1 (Hub files outside LFS). */
  readonly gitBlob?: string;
}

export interface RemoteListing {
  readonly kind: "file" | "folder";
  readonly revision?: string;
  /** The server's name for exactly these bytes (a commit and the chosen paths, or keys with ETags); undefined when it has none. */
  readonly identity?: string;
  readonly files: readonly RemoteFile[];
}

export interface RemoteSource {
  readonly uri: string;
  /** This source's folder in the cache. */
  readonly cacheDir: string;
  /** Remembers what this request resolved to: the URI plus any option that changes the file selection. */
  readonly refName: string;
  /** Asks the server what to download. */
  list(): Promise<RemoteListing>;
  /** What a lock says to download (no network); throws when the lock cannot be served by this source. */
  fromLock(lock: ModelLock): RemoteListing;
  /** Streams one file into the new file `dest` through a meter with `meter`'s cap. */
  download(file: RemoteFile, dest: string, meter: MeterOptions): Promise<Digest & { readonly gitBlob?: string }>;
}

export interface RemoteOptions {
  readonly lock?: ModelLock;
  readonly refresh?: boolean;
  readonly maxBytes: number;
  readonly log: (line: string) => void;
}

export interface RemoteModel {
  readonly kind: "file" | "folder";
  readonly path: string;
  readonly revision?: string;
  readonly files: readonly ModelFile[];
}

export async function resolveRemote(src: RemoteSource, o: RemoteOptions): Promise<RemoteModel> {
  const cache = new SourceCache(src.cacheDir, o.log);
  const found = (ref: CacheRef, files: readonly ModelFile[]): RemoteModel => {
    const dir = cache.entryDir(ref.entry);
    const only = files[0];
    const at = ref.kind === "file" && only ? path.join(dir, only.path) : dir;
    return { kind: ref.kind, path: at, files, ...(ref.revision ? { revision: ref.revision } : {}) };
  };
  const cached = async (ref: CacheRef) => {
    const files = await cache.readEntry(ref.entry);
    if (files) o.log(`using cached ${src.uri}${ref.revision ? ` at ${ref.revision.slice(0, 12)}` : ""} (${cache.entryDir(ref.entry)})`);
    return files && found(ref, files);
  };
  const refOf = (entry: string, listing: RemoteListing): CacheRef => ({ entry, kind: listing.kind, ...(listing.revision ? { revision: listing.revision } : {}) });

  if (o.lock) {
    const listing = src.fromLock(o.lock);
    const hit = await cached(refOf(contentKey(o.lock.files), listing));
    if (hit) return hit;
    const { key, files } = await fetchEntry(src, cache, listing, o);
    return found(refOf(key, listing), files);
  }
  if (!o.refresh) {
    const ref = await cache.readRef(src.refName);
    const hit = ref && (await cached(ref));
    if (hit) return hit;
  }
  const listing = await src.list();
  const identityRef = listing.identity === undefined ? undefined : `identity\n${listing.identity}`;
  if (identityRef) {
    const seen = await cache.readRef(identityRef);
    const hit = seen && (await cached(refOf(seen.entry, listing)));
    if (hit) {
      await cache.writeRef(src.refName, refOf(seen.entry, listing));
      return hit;
    }
  }
  const { key, files } = await fetchEntry(src, cache, listing, o);
  const ref = refOf(key, listing);
  await cache.writeRef(src.refName, ref);
  if (identityRef) await cache.writeRef(identityRef, ref);
  return found(ref, files);
}

/** Downloads `listing` into a staging folder, verifies every file, seals the entry; returns its key and files. */
async function fetchEntry(src: RemoteSource, cache: SourceCache, listing: RemoteListing, o: RemoteOptions): Promise<{ key: string; files: ModelFile[] }> {
  const announced = listing.files.reduce((sum, f) => sum + (f.size ?? 0), 0);
  if (announced > o.maxBytes) throw tooLarge(src.uri, o.maxBytes, announced);
  const lockFiles = o.lock?.files;
  const staging = await cache.stage();
  try {
    const files: ModelFile[] = [];
    let used = 0;
    for (const file of [...listing.files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
      o.log(`downloading ${file.path}${file.size !== undefined ? ` (${formatBytes(file.size)})` : ""} from ${src.uri}`);
      const got = await src
        .download(file, path.join(staging, ...file.path.split("/")), {
          maxBytes: o.maxBytes - used,
          tooLarge: () => tooLarge(src.uri, o.maxBytes),
          ...(file.gitBlob && file.size !== undefined ? { gitBlobSize: file.size } : {}),
        })
        .catch((err: unknown) => {
          // Schemes turn every network failure into a ModelSourceError; what is left is the local disk.
          if (err instanceof ModelSourceError) throw err;
          const why = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
          throw new ModelSourceError("io", `cannot write ${file.path} of ${src.uri} into the model cache ${cache.dir} (${why})`, { cause: err });
        });
      used += got.size;
      const pin = lockFiles?.[file.path];
      if (pin && (pin.sha256 !== got.sha256 || pin.size !== got.size)) throw new ModelSourceError("mismatch", mismatchSentence(file.path, src.uri, pin, got));
      checkAnnounced(src.uri, file, got);
      files.push({ path: file.path, sha256: got.sha256, size: got.size });
    }
    return { key: await cache.commit(staging, files, src.uri), files };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** A download that differs from what the server itself announced is damaged (or the file changed mid-way). */
function checkAnnounced(uri: string, want: RemoteFile, got: Digest & { readonly gitBlob?: string }): void {
  const says = (what: string, expected: string | number, actual: string | number) =>
    new ModelSourceError("mismatch", `the download of ${want.path} from ${uri} is damaged: the server announced ${what} ${expected}, got ${actual}; try again`);
  if (want.size !== undefined && want.size !== got.size) throw says("size", want.size, got.size);
  if (want.sha256 !== undefined && want.sha256 !== got.sha256) throw says("sha256", want.sha256, got.sha256);
  if (want.gitBlob !== undefined && got.gitBlob !== undefined && want.gitBlob !== got.gitBlob) throw says("git blob id", want.gitBlob, got.gitBlob);
}

function tooLarge(uri: string, maxBytes: number, size?: number): ModelSourceError {
  const what = size === undefined ? "more than" : `${formatBytes(size)}, more than`;
  return new ModelSourceError("too-large", `${uri} is ${what} the download limit of ${formatBytes(maxBytes)} (maxBytes)`);
}
