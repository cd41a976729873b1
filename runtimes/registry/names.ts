/**
 * Name and path checks. Every project, key, dataset and artifact path is validated here
 * before it becomes part of a storage key, so nothing a caller passes can climb out of the
 * registry root (`..`, absolute paths, backslashes) or collide with the registry's own
 * records (`card.json`, `children/`). The patterns match schemas/identifiers.ts; they are
 * repeated because runtimes ship in images without the compiler.
 */
import { RegistryError } from "./errors.js";
import type { ModelStage } from "./types.js";

/** DNS-1123 label, as schemas/identifiers.ts DNS_LABEL (projects and datasets). */
export const NAME_PATTERN = /^[a-z]([-a-z0-9]{0,38}[a-z0-9])?$/;
/** Registry key, as schemas/identifiers.ts REGISTRY_KEY. */
export const KEY_PATTERN = /^[A-Z][A-Z0-9_]{0,31}$/;
/** One segment of an artifact path. */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,127}$/;
/** Names the registry writes itself inside a version folder. */
const RESERVED_TOP = new Set(["card.json", "children"]);

export function checkProject(project: string): string {
  if (typeof project !== "string" || !NAME_PATTERN.test(project)) {
    throw new RegistryError("invalid", `invalid project name ${JSON.stringify(project)}: must be a DNS-1123 label (a-z, 0-9, '-')`);
  }
  return project;
}

export function checkDataset(dataset: string): string {
  if (typeof dataset !== "string" || !NAME_PATTERN.test(dataset)) {
    throw new RegistryError("invalid", `invalid dataset name ${JSON.stringify(dataset)}: must be a DNS-1123 label (a-z, 0-9, '-')`);
  }
  return dataset;
}

export function checkKey(key: string): string {
  if (typeof key !== "string" || !KEY_PATTERN.test(key)) {
    throw new RegistryError("invalid", `invalid model key ${JSON.stringify(key)}: must be upper-case letters, digits and '_', starting with a letter`);
  }
  return key;
}

export function checkStage(stage: string): ModelStage {
  if (stage !== "TRAINED" && stage !== "COMPILED") {
    throw new RegistryError("invalid", `invalid model stage ${JSON.stringify(stage)}: must be TRAINED or COMPILED`);
  }
  return stage;
}

export function checkVersion(version: number): number {
  if (!Number.isSafeInteger(version) || version < 1) {
    throw new RegistryError("invalid", `invalid version ${JSON.stringify(version)}: must be an integer ≥ 1`);
  }
  return version;
}

/**
 * An artifact path relative to its version folder: POSIX segments of letters, digits and
 * `_ . + -`, no empty, `.` or `..` segment, no leading `/`, no backslash, and not one of the
 * registry's own names.
 */
export function checkRelPath(rel: string): string {
  const bad = (why: string) => new RegistryError("invalid", `invalid artifact path ${JSON.stringify(rel)}: ${why}`);
  if (typeof rel !== "string" || rel.length === 0) throw bad("must not be empty");
  if (rel.length > 512) throw bad("longer than 512 characters");
  if (rel.includes("\\")) throw bad("must not contain a backslash");
  if (rel.startsWith("/")) throw bad("must be relative");
  const segments = rel.split("/");
  for (const s of segments) {
    if (s === "" || s === "." || s === "..") throw bad("must not contain empty, '.' or '..' segments");
    if (!SEGMENT.test(s)) throw bad(`segment ${JSON.stringify(s)} may only hold letters, digits, '_', '.', '+', '-'`);
  }
  if (RESERVED_TOP.has(segments[0]!)) throw bad(`'${segments[0]}' is reserved by the registry`);
  return rel;
}

/** A version folder name: the decimal number without leading zeros. */
export function parseVersionName(name: string): number | undefined {
  return /^[1-9][0-9]{0,8}$/.test(name) ? Number(name) : undefined;
}
