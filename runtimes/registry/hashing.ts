/** sha256 while bytes flow: uploads and downloads hash in the same pass that moves the data. */
import { createHash, type Hash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";

export const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

/** A pass-through stream that hashes and counts what goes through it. */
export class HashingStream extends Transform {
  private readonly hash: Hash = createHash("sha256");
  private bytes = 0;
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    done(null, chunk);
  }
  /** Call once, after the stream ended. */
  result(): { sha256: string; size: number } {
    return { sha256: this.hash.digest("hex"), size: this.bytes };
  }
}
