/**
 * Streaming sha256 for model files (they can be hundreds of MB: never read whole into
 * memory), and the metering transform every download goes through: it hashes, counts,
 * enforces the byte cap and reports progress in the same pass that writes the bytes.
 */
import { constants, type Stats } from "node:fs";
import { open } from "node:fs/promises";
import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";
import { ModelSourceError } from "./errors.js";

export interface Digest {
  readonly sha256: string;
  readonly size: number;
}

/** The type tests a Stats and a Dirent share. */
export type FileKind = Pick<Stats, "isFile" | "isDirectory" | "isFIFO" | "isSocket" | "isCharacterDevice" | "isBlockDevice">;

/** What a stat or directory entry says a path is, for "is not a regular file" messages. */
export function describeKind(st: FileKind): string {
  if (st.isFIFO()) return "a FIFO";
  if (st.isSocket()) return "a socket";
  if (st.isCharacterDevice() || st.isBlockDevice()) return "a device";
  if (st.isDirectory()) return "a folder";
  return "not a regular file";
}

/**
 * sha256 and size of a regular file. The file is opened non-blocking and checked with fstat
 * on the open descriptor, so a FIFO swapped in after the caller's stat is refused instead of
 * hanging the process (opening a FIFO for reading blocks until a writer appears).
 */
export async function hashFile(abs: string, label = abs): Promise<Digest> {
  const handle = await open(abs, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY);
  try {
    const st = await handle.stat();
    if (!st.isFile()) throw new ModelSourceError("not-regular", `${label} is ${describeKind(st)}, not a regular file`);
    const hash = createHash("sha256");
    let size = 0;
    for await (const chunk of handle.createReadStream({ autoClose: false }) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
    }
    return { sha256: hash.digest("hex"), size };
  } finally {
    await handle.close();
  }
}

export interface MeterOptions {
  /** Bytes this stream may still carry (the source's remaining budget). */
  readonly maxBytes: number;
  /** Thrown (as the stream's error) when the cap is passed. */
  readonly tooLarge: () => Error;
  /** Called for every chunk; downloads use it to reset their idle timer. */
  readonly onChunk?: (bytes: number) => void;
  /**
   * When the content's git blob id is known (a Hub file not stored in LFS) and so is its size,
   * hash the git way too, so small files are verified against the Hub as well as LFS ones.
   */
  readonly gitBlobSize?: number;
}

/** Pass-through that hashes (sha256, optionally git blob sha1), counts and caps. */
export class HashMeter extends Transform {
  private readonly sha256 = createHash("sha256");
  private readonly gitSha1: Hash | undefined;
  private bytes = 0;
  constructor(private readonly options: MeterOptions) {
    super();
    if (options.gitBlobSize !== undefined) {
      this.gitSha1 = createHash("sha1").update(`blob ${options.gitBlobSize}\0`);
    }
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.options.maxBytes) {
      done(this.options.tooLarge());
      return;
    }
    this.sha256.update(chunk);
    this.gitSha1?.update(chunk);
    this.options.onChunk?.(chunk.length);
    done(null, chunk);
  }
  /** Call once, after the stream finished. */
  result(): Digest & { readonly gitBlob?: string } {
    const digest = { sha256: this.sha256.digest("hex"), size: this.bytes };
    return this.gitSha1 ? { ...digest, gitBlob: this.gitSha1.digest("hex") } : digest;
  }
}
