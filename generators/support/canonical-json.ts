/**
 * Canonical JSON: object keys sorted at every depth, no insignificant white space (or
 * two-space indentation when `indent` is set), a trailing newline when pretty. Used for
 * hashes and for every JSON file mesh writes, so output is byte-stable across runs.
 */
import { createHash } from "node:crypto";

function sortValue(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortValue);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortValue(v);
    }
    return out;
  }
  return value;
}

export function canonicalJson(value: unknown, indent = false): string {
  const sorted = sortValue(value);
  return indent ? `${JSON.stringify(sorted, null, 2)}\n` : JSON.stringify(sorted);
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}
