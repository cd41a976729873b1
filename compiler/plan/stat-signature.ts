/**
 * Stat signatures: how the generate cache knows an output file is still the one it recorded
 * without reading it. A signature (Host.fileStat) joins device, inode, size, mtime, ctime and
 * mode. Any write, chmod, rename or utimes sets ctime to the kernel's clock, and user space
 * cannot set ctime back, so an edit shows even when size and mtime are restored. Only a change
 * within the same clock tick as the recorded one could leave ctime equal; like git's "racy
 * clean" entries, a signature whose ctime is not strictly older than the cache file itself
 * (written after every signature it holds) is not trusted, and that file is hashed.
 */
import type { FileStat } from "../host.js";

/**
 * True when `now` is the file `recorded` describes: same signature, and recorded before the
 * tick of `stamp` (the cache file's ctime) so that no same-tick change can hide behind it.
 */
export function signatureHolds(now: FileStat | undefined, recorded: string | undefined, stamp: bigint | undefined): boolean {
  if (!now?.isFile || recorded === undefined || stamp === undefined || now.signature !== recorded) return false;
  return now.ctimeNs < stamp;
}
