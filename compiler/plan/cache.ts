/**
 * The generate cache (`.mesh/cache/generate.json`, never committed): per output folder, the key
 * of the IR and generator code last emitted there and the sha256 of the manifest that run wrote.
 * When both still match, the project's files are checked on disk against the manifest instead
 * of being generated again — a no-op regenerate then costs a read and a hash per file, not a
 * generator run. Any doubt (no cache, damaged cache, a hand edit, a link) means a full plan.
 */
import { canonicalJson, sha256Hex } from "../../generators/support/canonical-json.js";
import type { Host } from "../host.js";
import type { ProjectIR } from "../ir.js";

export const CACHE_FILE = ".mesh/cache/generate.json";

export interface CacheEntry {
  /** sha256 of the generator fingerprint and the canonical IR. */
  readonly key: string;
  /** sha256 of the manifest bytes that run wrote. */
  readonly manifest: string;
}

export type GenerateCache = Readonly<Record<string, CacheEntry>>;

export const cacheKey = (fingerprint: string, ir: ProjectIR) => sha256Hex(`${fingerprint}\n${canonicalJson(ir)}`);

/** The cache, or an empty one when absent or unreadable (a cache is never worth an error). */
export function readCache(host: Host): GenerateCache {
  const bytes = host.readFile(CACHE_FILE);
  if (!bytes) return {};
  try {
    const value = JSON.parse(Buffer.from(bytes).toString("utf8")) as { version?: unknown; entries?: unknown };
    if (value.version !== 1 || value.entries === null || typeof value.entries !== "object") return {};
    const out: Record<string, CacheEntry> = {};
    for (const [dir, e] of Object.entries(value.entries as Record<string, unknown>)) {
      const entry = e as Partial<CacheEntry> | null;
      if (entry && typeof entry.key === "string" && typeof entry.manifest === "string") out[dir] = { key: entry.key, manifest: entry.manifest };
    }
    return out;
  } catch {
    return {};
  }
}

/** Writes the cache; failures are ignored (the next run simply plans in full). */
export function writeCache(host: Host, cache: GenerateCache): void {
  try {
    host.writeFileAtomic(CACHE_FILE, canonicalJson({ version: 1, entries: cache }, true), 0o644);
  } catch {
    // A read-only .mesh/ must not fail a generate that already wrote its output.
  }
}
