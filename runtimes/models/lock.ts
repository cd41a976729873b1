/**
 * `model.lock.json`, written beside a spec: the source, the Hub commit it resolved to, and
 * every file pinned by sha256 and size, so validate, serve, test and build all use the same
 * bytes however the source moves. `facts` is an open object for what is learnt from those
 * bytes (signature, labels); this module only carries it.
 */
import * as path from "node:path";
import { canonicalJson } from "../support/canonical-json.js";
import { ModelSourceError } from "./errors.js";
import { hashFile } from "./hash.js";
import { relPathProblem } from "./paths.js";
import { isCommitSha, checkModelUri } from "./uri.js";
import { LOCK_VERSION, type JsonValue, type LockedFile, type ModelFile, type ModelLock, type ResolvedModel } from "./types.js";

export const LOCK_FILE_NAME = "model.lock.json";
export { LOCK_VERSION, type JsonValue, type LockedFile, type ModelLock } from "./types.js";

const SHA256 = /^[0-9a-f]{64}$/;
const KEYS = ["facts", "files", "lockVersion", "revision", "source"];

/** The lock for what was just resolved. */
export function lockFromResolved(resolved: ResolvedModel, facts: Readonly<Record<string, JsonValue>> = {}): ModelLock {
  const files: Record<string, LockedFile> = {};
  for (const f of resolved.files) files[f.path] = { sha256: f.sha256, size: f.size };
  return { lockVersion: LOCK_VERSION, source: resolved.uri, ...(resolved.revision ? { revision: resolved.revision } : {}), files, facts };
}

/** Canonical text: sorted keys at every depth, two-space indent, LF, trailing newline. */
export function serializeLock(lock: ModelLock): string {
  return canonicalJson(lock, true);
}

/** Reads a lock strictly: unknown keys, bad hashes or paths and wrong types are errors naming `fileName` and the field. */
export function parseLock(text: string, fileName: string): ModelLock {
  const fail = (field: string, problem: string) => new ModelSourceError("invalid-lock", `${fileName}: ${field} ${problem}`);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new ModelSourceError("invalid-lock", `${fileName} is not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(value)) throw new ModelSourceError("invalid-lock", `${fileName} must hold a JSON object`);
  for (const key of Object.keys(value)) {
    if (!KEYS.includes(key)) throw fail(`"${key}"`, `is not a lock field (expected ${KEYS.join(", ")})`);
  }
  if (value.lockVersion !== LOCK_VERSION) throw fail(`"lockVersion"`, `must be ${LOCK_VERSION}, got ${JSON.stringify(value.lockVersion)} (this mesh reads version ${LOCK_VERSION})`);
  if (typeof value.source !== "string") throw fail(`"source"`, "must be a string (the model source URI)");
  const uriProblem = checkModelUri(value.source);
  if (uriProblem) throw fail(`"source"`, `is not a model source: ${uriProblem}`);
  const hf = value.source.startsWith("hf://");
  if (value.revision !== undefined && (typeof value.revision !== "string" || !isCommitSha(value.revision))) throw fail(`"revision"`, "must be a 40-digit lowercase commit sha");
  if (hf && value.revision === undefined) throw fail(`"revision"`, "is missing: an hf:// lock pins the commit it resolved to");
  if (!hf && value.revision !== undefined) throw fail(`"revision"`, "is only recorded for hf:// sources");
  if (!isObject(value.files)) throw fail(`"files"`, "must be an object of path → { sha256, size }");
  const files: Record<string, LockedFile> = {};
  for (const [rel, pin] of Object.entries(value.files)) {
    const field = `files[${JSON.stringify(rel)}]`;
    const problem = relPathProblem(rel);
    if (problem) throw fail(field, `names a path that ${problem}`);
    if (!isObject(pin)) throw fail(field, "must be an object { sha256, size }");
    for (const key of Object.keys(pin)) if (key !== "sha256" && key !== "size") throw fail(`${field}.${key}`, "is not a file field (expected sha256, size)");
    if (typeof pin.sha256 !== "string" || !SHA256.test(pin.sha256)) throw fail(`${field}.sha256`, "must be 64 lowercase hex digits");
    if (typeof pin.size !== "number" || !Number.isSafeInteger(pin.size) || pin.size < 0) throw fail(`${field}.size`, "must be a whole number of bytes, 0 or more");
    files[rel] = { sha256: pin.sha256, size: pin.size };
  }
  if (Object.keys(files).length === 0) throw fail(`"files"`, "is empty: a lock pins at least one file");
  if (value.facts !== undefined && !isObject(value.facts)) throw fail(`"facts"`, "must be an object");
  const facts = (value.facts ?? {}) as Record<string, JsonValue>;
  return { lockVersion: LOCK_VERSION, source: value.source, ...(value.revision !== undefined ? { revision: value.revision as string } : {}), files, facts };
}

/**
 * Checks `files` (what a source holds) against `lock`: same paths, same sha256 and size.
 * `where` names the source in the message. Throws ModelSourceError("mismatch") on the first
 * difference, saying how many more there are.
 */
export function compareWithLock(files: readonly ModelFile[], lock: ModelLock, where: string): void {
  const problems: string[] = [];
  const actual = new Map(files.map((f) => [f.path, f]));
  for (const [rel, pin] of Object.entries(lock.files).sort(([a], [b]) => (a < b ? -1 : 1))) {
    const got = actual.get(rel);
    if (!got) problems.push(`${where} has no ${rel}, which ${LOCK_FILE_NAME} pins; restore it or update the lock`);
    else if (got.sha256 !== pin.sha256 || got.size !== pin.size) problems.push(mismatchSentence(rel, where, pin, got));
  }
  for (const f of files) {
    if (!(f.path in lock.files)) problems.push(`${where} holds ${f.path}, which ${LOCK_FILE_NAME} does not pin; remove it or update the lock`);
  }
  if (problems.length > 0) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more difference${problems.length > 2 ? "s" : ""})` : "";
    throw new ModelSourceError("mismatch", `${problems[0]}${more}`);
  }
}

/** The one wording for "these bytes are not the pinned ones". */
export function mismatchSentence(rel: string, where: string, pin: LockedFile, got: LockedFile): string {
  const sizes = got.size !== pin.size ? `, ${got.size} bytes instead of ${pin.size}` : "";
  return `${rel} from ${where} does not match ${LOCK_FILE_NAME}: expected sha256 ${pin.sha256}, got ${got.sha256}${sizes}`;
}

/**
 * Hashes every file the lock pins inside `dir` and compares. Other files in `dir` are not
 * looked at (a cache entry also holds its marker). Returns the verified files, sorted.
 */
export async function verifyFolder(dir: string, lock: ModelLock): Promise<ModelFile[]> {
  const files: ModelFile[] = [];
  for (const rel of Object.keys(lock.files).sort()) {
    const problem = relPathProblem(rel);
    if (problem) throw new ModelSourceError("invalid-lock", `${LOCK_FILE_NAME} names a path that ${problem}: ${JSON.stringify(rel)}`);
    try {
      files.push({ path: rel, ...(await hashFile(path.join(dir, ...rel.split("/")), rel)) });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    }
  }
  compareWithLock(files, lock, dir);
  return files;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** A lock for files already pinned elsewhere (the IR carries them from model.lock.json), to verify a resolve against. */
export function lockOfPinned(source: { readonly uri: string; readonly revision?: string; readonly files: readonly ModelFile[] }): ModelLock {
  return {
    lockVersion: LOCK_VERSION,
    source: source.uri,
    ...(source.revision ? { revision: source.revision } : {}),
    files: Object.fromEntries(source.files.map((f) => [f.path, { sha256: f.sha256, size: f.size }])),
    facts: {},
  };
}
