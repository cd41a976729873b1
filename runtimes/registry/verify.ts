/**
 * Verified reads: every byte handed out by the registry is checked against the sha256 its
 * card recorded. Downloads stream to a temporary file beside the target and are renamed into
 * place only after the hash matched, so a corrupt file never appears under its real name.
 */
import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, rename, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { pipeline } from "node:stream/promises";
import { RegistryError } from "./errors.js";
import { HashingStream, sha256 } from "./hashing.js";
import type { BlobStore } from "./storage.js";

const mismatch = (rel: string, label: string, uri: string, expected: string, actual: string) =>
  new RegistryError("corrupt", `checksum mismatch for ${rel} of ${label} in ${uri}: the card says sha256 ${expected}, the stored file has ${actual}; the file was altered or damaged`);

const missing = (rel: string, label: string, uri: string) => new RegistryError("corrupt", `${rel} of ${label} is listed in its card but missing from ${uri}`);

/** Reads one object whole and checks its sha256. */
export async function readVerified(store: BlobStore, key: string, rel: string, expected: string, label: string): Promise<Uint8Array> {
  const bytes = await store.get(key);
  if (!bytes) throw missing(rel, label, store.uri);
  const actual = sha256(bytes);
  if (actual !== expected) throw mismatch(rel, label, store.uri, expected, actual);
  return bytes;
}

/** Streams one object to `target`, checking its sha256 before the file takes its name. */
export async function downloadVerified(store: BlobStore, key: string, rel: string, expected: string, label: string, target: string): Promise<void> {
  const body = await store.open(key);
  if (!body) throw missing(rel, label, store.uri);
  await mkdir(dirname(target), { recursive: true });
  const tmp = `${target}.${randomUUID()}.part`;
  const hashing = new HashingStream();
  try {
    await pipeline(body, hashing, createWriteStream(tmp));
    const actual = hashing.result().sha256;
    if (actual !== expected) throw mismatch(rel, label, store.uri, expected, actual);
    await rename(tmp, target);
  } catch (err) {
    await unlink(tmp).catch(() => undefined);
    if (err instanceof RegistryError) throw err;
    throw new RegistryError("io", `cannot download ${rel} of ${label} from ${store.uri}: ${(err as Error).message}`, { cause: err });
  }
}
