/**
 * Remembers content hashes of core-image contexts by their metadata fingerprint, in
 * `.mesh/cache/image-hashes.json`, so an unchanged ~100 MB runtime context is recognised
 * from `stat` alone instead of being read and hashed on every `mesh build`.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const FILE = ".mesh/cache/image-hashes.json";
const KEEP = 32;

type Cache = Record<string, { hash: string; at: number }>;

function read(root: string): Cache {
  try {
    return JSON.parse(readFileSync(join(root, FILE), "utf8")) as Cache;
  } catch {
    return {};
  }
}

/** The recorded content hash for a fingerprint, if any. */
export function cachedHash(root: string, fingerprint: string): string | undefined {
  return read(root)[fingerprint]?.hash;
}

/** Records a fingerprint → content hash pair (best effort; a cache never fails a build). */
export function rememberHash(root: string, fingerprint: string, hash: string): void {
  try {
    const cache = read(root);
    cache[fingerprint] = { hash, at: Date.now() };
    const kept = Object.fromEntries(
      Object.entries(cache)
        .sort((a, b) => b[1].at - a[1].at)
        .slice(0, KEEP),
    );
    const path = join(root, FILE);
    mkdirSync(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(kept, null, 2)}\n`);
    renameSync(tmp, path);
  } catch {
    // Read-only workspace: just hash next time.
  }
}
