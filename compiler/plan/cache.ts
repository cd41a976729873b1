/**
 * The generate cache (`.mesh/cache/generate.json`, never committed). Two layers:
 *
 * - `compile`: per (code fingerprint, output root, spec selection), what compile observed
 *   through the Host and the projects it produced (name + IR key). When every observation still
 *   holds, compile is skipped.
 * - `entries`: per output folder, the IR key last emitted there and the sha256 of the manifest
 *   that run wrote. When both match, the folder is checked on disk against the manifest instead
 *   of running generators.
 *
 *   Each entry also keeps the stat signature of every file that run left on disk
 *   (compiler/plan/stat-signature.ts): a file whose signature still holds is not read at all.
 *
 * A no-op regenerate then costs a read and a hash per input file and an lstat per output file
 * (a read and a hash for an output whose signature does not hold). Any doubt (no cache,
 * damaged cache, a changed input, a hand edit, a link) means the full path.
 */
import { canonicalJson, sha256Hex } from "../../generators/support/canonical-json.js";
import type { Host } from "../host.js";
import type { ProjectIR } from "../ir.js";
import type { Observation } from "./recording-host.js";

export const CACHE_FILE = ".mesh/cache/generate.json";
const VERSION = 3;
/** Compile entries kept (one per output root and spec selection in use). */
const MAX_COMPILE_ENTRIES = 8;

export interface CacheEntry {
  /** sha256 of the code fingerprint and the canonical IR. */
  readonly key: string;
  /** sha256 of the manifest bytes that run wrote. */
  readonly manifest: string;
  /** Path (relative to the folder) → stat signature of the file as that run left it, where known. */
  readonly files?: Readonly<Record<string, string>>;
}

export interface CompileEntry {
  readonly observations: readonly Observation[];
  readonly projects: readonly { readonly name: string; readonly key: string }[];
}

export interface GenerateCache {
  readonly compile: Readonly<Record<string, CompileEntry>>;
  readonly entries: Readonly<Record<string, CacheEntry>>;
  /** The cache file's ctime when it was read: signatures not older than it are not trusted. */
  readonly stamp?: bigint;
}

export const EMPTY_CACHE: GenerateCache = { compile: {}, entries: {} };

// The IR is readonly and both the project's key and the workspace outputs' key serialize it:
// once per IR.
const irTexts = new WeakMap<ProjectIR, string>();
/** canonicalJson of an IR, serialized once per IR object. */
export function canonicalIr(ir: ProjectIR): string {
  let text = irTexts.get(ir);
  if (text === undefined) irTexts.set(ir, (text = canonicalJson(ir)));
  return text;
}

export const cacheKey = (fingerprint: string, ir: ProjectIR) => sha256Hex(`${fingerprint}\n${canonicalIr(ir)}`);

export const compileKey = (fingerprint: string, outDir: string, specPaths: readonly string[] | undefined) => sha256Hex(`${fingerprint}\n${outDir}\n${JSON.stringify(specPaths ?? null)}`);

/** The cache, or an empty one when absent or unreadable (a cache is never worth an error). */
export function readCache(host: Host): GenerateCache {
  // Stat before reading: a rewrite in between only makes the stamp older, i.e. stricter.
  const stamp = host.fileStat?.(CACHE_FILE)?.ctimeNs;
  const bytes = host.readFile(CACHE_FILE);
  if (!bytes) return EMPTY_CACHE;
  try {
    const value = JSON.parse(Buffer.from(bytes).toString("utf8")) as { version?: unknown; compile?: unknown; entries?: unknown };
    if (value.version !== VERSION) return EMPTY_CACHE;
    const entries: Record<string, CacheEntry> = {};
    for (const [dir, e] of Object.entries(asRecord(value.entries))) {
      const entry = asRecord(e);
      if (typeof entry.key !== "string" || typeof entry.manifest !== "string") continue;
      const files = Object.fromEntries(Object.entries(asRecord(entry.files)).filter((f): f is [string, string] => typeof f[1] === "string"));
      entries[dir] = { key: entry.key, manifest: entry.manifest, files };
    }
    const compile: Record<string, CompileEntry> = {};
    for (const [key, c] of Object.entries(asRecord(value.compile))) {
      const entry = asRecord(c);
      const observations = Array.isArray(entry.observations) ? entry.observations : [];
      const projects = Array.isArray(entry.projects) ? entry.projects : [];
      const wellFormed =
        observations.every((o) => Array.isArray(o) && o.length === 3 && o.every((x) => typeof x === "string")) &&
        projects.every((p) => typeof asRecord(p).name === "string" && typeof asRecord(p).key === "string");
      if (wellFormed) compile[key] = { observations: observations as Observation[], projects: projects as CompileEntry["projects"] };
    }
    return stamp === undefined ? { compile, entries } : { compile, entries, stamp };
  } catch {
    return EMPTY_CACHE;
  }
}

/** Writes the cache, keeping the newest compile entries; failures are ignored (the next run plans in full). */
export function writeCache(host: Host, cache: GenerateCache): void {
  const keys = Object.keys(cache.compile);
  const compile = Object.fromEntries(keys.slice(Math.max(0, keys.length - MAX_COMPILE_ENTRIES)).map((k) => [k, cache.compile[k]]));
  try {
    // Not canonicalJson: the compile entries' insertion order is their age.
    host.writeFileAtomic(CACHE_FILE, `${JSON.stringify({ version: VERSION, compile, entries: cache.entries })}\n`, 0o644);
  } catch {
    // A read-only .mesh/ must not fail a generate that already wrote its output.
  }
}

const asRecord = (v: unknown): Record<string, unknown> => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {});
