/**
 * The storage adapter: the few operations the shared registry core (core.ts) needs from a
 * backend. Keys are POSIX paths relative to the registry root, built by layout.ts from
 * checked names. Two operations carry the backend-specific guarantees:
 *
 * - `claimVersion` hands out a version number that no other writer (in this process or any
 *   other) will ever get for the same base;
 * - `stageVersion` collects a version's files where nobody can see them as a version, and
 *   `commit` makes the version visible in one step, with its card written last.
 */
import type { Readable } from "node:stream";

/** Bytes to store: in memory, or a local file that is streamed (never loaded whole). */
export type Source = Uint8Array | { readonly localPath: string };

/** What was written: the sha256 and size of exactly the bytes that reached storage. */
export interface Written {
  readonly sha256: string;
  readonly size: number;
}

export interface VersionStage {
  /** Writes one artifact of the version (path checked by the caller). */
  put(rel: string, source: Source): Promise<Written>;
  /**
   * Writes the card last and makes the version visible. Refuses (RegistryError "conflict")
   * when the version already exists: versions are never overwritten.
   */
  commit(card: Uint8Array): Promise<void>;
  /** Best-effort removal of what was staged after a failure. Never throws. */
  abort(): Promise<void>;
}

export interface BlobStore {
  /** The registry URI, for messages. */
  readonly uri: string;
  /** The whole object, or undefined when absent. */
  get(key: string): Promise<Uint8Array | undefined>;
  /** A stream of the object, or undefined when absent. */
  open(key: string): Promise<Readable | undefined>;
  /** Size of the object, or undefined when absent. */
  head(key: string): Promise<{ readonly size: number } | undefined>;
  /** Names of the immediate sub-folders of `prefix` (no trailing slash), sorted. */
  listDirs(prefix: string): Promise<string[]>;
  /** Names of the objects directly in `prefix`, sorted. */
  listFiles(prefix: string): Promise<string[]>;
  /**
   * The complete versions under `base` (`<base>/<n>` whose publish committed), ascending, told
   * apart by the backend's own completeness mark, so a listing never reads or stats one card
   * per version.
   */
  listVersions(base: string): Promise<number[]>;
  /** Creates the object unless it exists; returns false when it already existed. */
  putIfAbsent(key: string, bytes: Uint8Array): Promise<boolean>;
  /** Takes the next version number under `base` atomically (see the backend for the rule). */
  claimVersion(base: string): Promise<number>;
  /** Starts writing version `version` of `base`, claimed before with claimVersion. */
  stageVersion(base: string, version: number): Promise<VersionStage>;
}
