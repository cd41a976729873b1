/**
 * Card encoding: canonical JSON (sorted keys, two-space indent, LF, trailing newline) so the
 * same card always has the same bytes, and a strict decoder, because a card read back from
 * storage is untrusted input (it names the files that downloads will write locally).
 */
import { jsonBytes } from "../support/canonical-json.js";
import { RegistryError } from "./errors.js";
import { checkRelPath } from "./names.js";
import type { DatasetCard, ModelCard } from "./types.js";

export function encodeCard(card: ModelCard | DatasetCard): Uint8Array {
  return jsonBytes(card);
}

const HEX64 = /^[0-9a-f]{64}$/;

function decode(bytes: Uint8Array, label: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new RegistryError("corrupt", `the card of ${label} is not valid JSON`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new RegistryError("corrupt", `the card of ${label} is not a JSON object`);
  }
  const card = value as Record<string, unknown>;
  const files = card.files;
  if (files === null || typeof files !== "object" || Array.isArray(files)) {
    throw new RegistryError("corrupt", `the card of ${label} has no "files" table`);
  }
  for (const [rel, hash] of Object.entries(files)) {
    try {
      checkRelPath(rel);
    } catch {
      throw new RegistryError("corrupt", `the card of ${label} lists an unsafe file path ${JSON.stringify(rel)}`);
    }
    if (typeof hash !== "string" || !HEX64.test(hash)) {
      throw new RegistryError("corrupt", `the card of ${label} has no valid sha256 for ${rel}`);
    }
  }
  if (typeof card.id !== "string" || typeof card.createdAt !== "string") {
    throw new RegistryError("corrupt", `the card of ${label} lacks "id" or "createdAt"`);
  }
  return card;
}

export function decodeModelCard(bytes: Uint8Array, label: string): ModelCard {
  const card = decode(bytes, label);
  if (card.type !== "trained" && card.type !== "compiled") {
    throw new RegistryError("corrupt", `the card of ${label} has no valid "type" (trained or compiled)`);
  }
  return card as unknown as ModelCard;
}

export function decodeDatasetCard(bytes: Uint8Array, label: string): DatasetCard {
  return decode(bytes, label) as unknown as DatasetCard;
}
