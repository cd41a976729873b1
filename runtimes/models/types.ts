/** The resolver's options and result, shared by every scheme. */
import type { S3Options } from "../registry/s3-client.js";

/** One file of a resolved model. */
export interface ModelFile {
  /** POSIX path relative to the model folder; the file name for a single-file source. */
  readonly path: string;
  readonly sha256: string;
  readonly size: number;
}

export interface ResolvedModel {
  readonly uri: string;
  readonly kind: "file" | "folder";
  /** Absolute local path of the file or folder, ready to read (inside the workspace, or a complete cache entry). */
  readonly path: string;
  /**
   * Absolute path of the ONNX graph: the file itself, or the folder's `model.onnx` /
   * `onnx/model.onnx`. Undefined for a folder without one (see `requireOnnx`).
   */
  readonly onnx?: string;
  /** The Hub commit sha an `hf://` source resolved to. */
  readonly revision?: string;
  /** Every file of the model, sorted by path. Copy these, not the folder: a cache entry also holds a hidden marker. */
  readonly files: readonly ModelFile[];
}

export interface ResolveOptions {
  /** Absolute workspace root: nothing local is read outside it (npm packages: outside the package). */
  readonly root: string;
  /** Absolute project folder (the folder holding the spec): `file://` paths are relative to it. */
  readonly baseDir: string;
  /** Folder for downloaded models, e.g. `<root>/.mesh/cache/models`; entries are content-addressed and never half-written. */
  readonly cacheDir: string;
  /** S3 settings (endpoint, region, path style); the standard AWS environment fills the rest. */
  readonly s3?: S3Options;
  /** Hub endpoint; default `MESH_HF_ENDPOINT`, then `HF_ENDPOINT`, then https://huggingface.co. */
  readonly hfEndpoint?: string;
  /** Environment for HF_TOKEN, the Hub endpoint and AWS settings (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** fetch to use for https:// and hf:// (tests). */
  readonly fetch?: typeof fetch;
  /** Milliseconds a request may wait for an answer, or a download for its next bytes (default 30 s). */
  readonly timeoutMs?: number;
  /** Cap on the bytes downloaded for one source, all files together (default 4 GiB). */
  readonly maxBytes?: number;
  /** Extra Hub files to download beyond what ONNX serving needs, e.g. ["pytorch_model.bin"] for Neuron. hf:// only. */
  readonly include?: readonly string[];
  /**
   * Verify against this lock: every file's sha256 and size must match, every locked file must
   * be there and nothing else; hf:// uses the lock's commit instead of resolving the branch.
   */
  readonly lock?: ModelLock;
  /**
   * Ask the server again. Without it a remote source is resolved once: later resolves reuse
   * the cached entry (zero network), so `@main` keeps meaning the commit first seen.
   */
  readonly refresh?: boolean;
  /** Progress lines (downloads, cache hits). Never carries tokens. */
  readonly log?: (line: string) => void;
}

export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_BYTES = 4 * 1024 ** 3;

/** model.lock.json (runtimes/models/lock.ts reads and writes it). */
export const LOCK_VERSION = 1;

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

export interface LockedFile {
  readonly sha256: string;
  readonly size: number;
}

export interface ModelLock {
  readonly lockVersion: typeof LOCK_VERSION;
  readonly source: string;
  /** The Hub commit sha (hf:// sources only). */
  readonly revision?: string;
  /** POSIX path (relative to the model folder; the file name for a single file) → pin. */
  readonly files: Readonly<Record<string, LockedFile>>;
  /** Facts derived from the pinned bytes; free-form JSON owned by the caller. */
  readonly facts: Readonly<Record<string, JsonValue>>;
}
