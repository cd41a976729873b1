/**
 * Canonical JSON and sha256 for every runtime (lifecycle hashes, registry cards): keys sorted
 * at every depth, so a config or a card hashes the same however it was built. The one
 * implementation: the compiler and the generators read it too (generators/support re-exports it).
 */
import { createHash } from "node:crypto";

function sortValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortValue);
  if (value !== null && typeof value === "object" && !(value instanceof Uint8Array)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortValue(v);
    }
    return out;
  }
  return value;
}

/** Sorted-key JSON; pretty (two spaces, trailing newline) when `indent` is set. */
export function canonicalJson(value: unknown, indent = false): string {
  const sorted = sortValue(value);
  return indent ? `${JSON.stringify(sorted, null, 2)}\n` : JSON.stringify(sorted);
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Hash of a step's inputs: the canonical JSON of everything that determines its output. */
export function inputsHash(parts: Readonly<Record<string, unknown>>): string {
  return sha256Hex(canonicalJson(parts));
}

/** UTF-8 bytes of pretty canonical JSON, the form every JSON artifact is published in. */
export function jsonBytes(value: unknown): Uint8Array {
  return Buffer.from(canonicalJson(value, true), "utf8");
}
