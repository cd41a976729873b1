/**
 * Ingest configuration, structurally the IR's `IngestIR` (runtimes never import the
 * compiler), and the shapes sources hand to parsers.
 */
import type { Log } from "../lifecycle/progress.js";
import type { S3Options } from "../registry/s3-client.js";

export type IngestFormat = "auto" | "jsonl" | "csv" | "json" | "json-folder";

export interface IngestConfig {
  readonly uri: string;
  readonly format: IngestFormat;
  /** Names for rows given as arrays (json) or header-less CSV; [] = header / objects. */
  readonly columns: readonly string[];
  /** Cap on the bytes read from the source, all files together. */
  readonly maxBytes: number;
  readonly timeoutMs: number;
  readonly retries: number;
  /**
   * Absolute folders outside the workspace that a `file://` source may read (mesh.yaml
   * `ingest.allow_paths`, filled in by the CLI); the workspace itself is always allowed and
   * /proc, /sys and /dev never are.
   */
  readonly allowPaths?: readonly string[];
}

/** S3 client settings (endpoint override and path style for S3-compatible servers): the registry's. */
export type S3Settings = S3Options;

export interface IngestContext {
  /** Absolute workspace root: `file://` paths and `npm:` packages resolve from it. */
  readonly root: string;
  readonly log: Log;
  readonly s3?: S3Settings;
  /** First retry delay for https (doubles per attempt); tests shorten it. */
  readonly retryDelayMs?: number;
}

/** One file of a source. `name` is POSIX and relative to the source root ("" for a single file). */
export interface SourceFile {
  readonly name: string;
  readonly size: number;
  read(): Promise<Buffer>;
}

/** An opened source: one file, or a folder of files (sorted by name). */
export interface OpenedSource {
  readonly uri: string;
  readonly folder: boolean;
  readonly files: readonly SourceFile[];
  /**
   * Cheap identity of the source's current content (names, sizes, mtimes, ETags), used to
   * skip an unchanged ingest; undefined when the source offers none (then always re-read).
   */
  readonly fingerprint: string | undefined;
}

export type Row = Record<string, unknown>;
