/**
 * The fast path of plan: when the generate cache says this project's IR and the generator code
 * are what produced the manifest on disk, the expected files are exactly the manifest's entries,
 * so checking each file's bytes (sha256), mode and link-ness against it decides "all unchanged"
 * without running a generator. A file whose stat signature still holds (the cache recorded it
 * and nothing has touched the file since: compiler/plan/stat-signature.ts) is that check passed
 * without reading it. Anything else — a miss, a hand edit, a stray temp file, a link — returns
 * undefined and the caller plans in full, which reports and repairs it.
 */
import * as path from "node:path";
import { sha256Hex } from "../../generators/support/canonical-json.js";
import type { Host } from "../host.js";
import type { CacheEntry } from "./cache.js";
import { MANIFEST_FILE, parseManifest } from "./manifest.js";
import { STALE_TEMP, readPrevious, type PlannedFile, type ProjectPlan } from "./plan.js";
import { isLink, symlinkDiagnostics } from "./symlinks.js";
import { signatureHolds } from "./stat-signature.js";

/** An all-unchanged plan when the cache entry vouches for what is on disk; otherwise undefined. */
export function planFromCache(
  host: Host,
  name: string,
  outDir: string,
  entry: CacheEntry | undefined,
  key: string,
  stamp?: bigint,
  /** `host.listFiles` of the project folder, when the caller already listed it. */
  listed?: readonly string[],
): ProjectPlan | undefined {
  if (!entry || entry.key !== key) return undefined;
  const dir = path.posix.join(outDir, name);
  const manifestTarget = `${dir}/${MANIFEST_FILE}`;
  const manifest = readPrevious(host, manifestTarget);
  // A signature means lstat saw a regular file (no link); the folders are checked just below.
  if (!manifest || sha256Hex(manifest.bytes) !== entry.manifest || (manifest.signature === undefined && isLink(host, manifestTarget))) return undefined;
  const parsed = parseManifest(manifest.bytes, manifestTarget);
  if (parsed.diagnostics.length > 0) return undefined;
  if (symlinkDiagnostics(host, outDir, dir, [...parsed.paths, MANIFEST_FILE]).length > 0) return undefined;
  const onDisk = listed ?? host.listFiles(dir);
  if (onDisk.some((t) => STALE_TEMP.test(t))) return undefined;
  // Every folder on the way is real (checked above) and listFiles names only regular files met
  // through real folders, so a listed file is no link — one walk instead of a realpath per file.
  const regular = new Set(onDisk);

  let hashed = 0;
  const files: PlannedFile[] = [{ path: MANIFEST_FILE, target: manifestTarget, action: "unchanged", bytes: manifest.bytes, mode: 0o644, previous: manifest }];
  for (const p of parsed.paths) {
    const target = `${dir}/${p}`;
    const recorded = parsed.entries[p] ?? {};
    const mode = typeof recorded.mode === "string" ? Number.parseInt(recorded.mode, 8) : Number.NaN;
    const stat = host.fileStat?.(target);
    if (signatureHolds(stat, entry.files?.[p], stamp) && stat?.mode === mode) {
      files.push(untouched(host, p, target, mode, stat.signature));
      continue;
    }
    if (stat) hashed++;
    const previous = readPrevious(host, target);
    if (!previous || sha256Hex(previous.bytes) !== recorded.sha256 || previous.mode !== mode || (!regular.has(target) && isLink(host, target))) return undefined;
    files.push({ path: p, target, action: "unchanged", bytes: previous.bytes, mode, previous });
  }
  if (manifest.mode !== 0o644) return undefined;
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const plan = { name, dir, files };
  if (hashed > 0) rehashed.add(plan);
  return plan;
}

const rehashed = new WeakSet<ProjectPlan>();
/**
 * True when some file of a plan from `planFromCache` had to be read because its signature did
 * not hold (new, changed, or too recent): recording the signatures again lets the next run skip it.
 */
export const hadToHash = (plan: ProjectPlan): boolean => rehashed.has(plan);

/**
 * An unchanged file vouched for by its signature: its bytes are read only if someone asks (a
 * no-op run never does; nothing is written from an unchanged file).
 */
function untouched(host: Host, p: string, target: string, mode: number, signature: string): PlannedFile {
  let bytes: Uint8Array | undefined;
  const read = () => (bytes ??= host.readFile(target) ?? new Uint8Array());
  const previous = {
    get bytes() {
      return read();
    },
    mode,
    signature,
  };
  return {
    path: p,
    target,
    action: "unchanged",
    get bytes() {
      return read();
    },
    mode,
    previous,
  };
}
