/**
 * A Host that remembers every observation made through it (which files were read and what they
 * held, which folders were listed and what they listed). Compile runs on it once; later runs
 * replay the observations against the disk, and when every answer is the same, compile — a pure
 * function of what it observed and of the code — would return the same IR, so it can be skipped.
 * Recording what compile actually read keeps this sound without knowing which files it reads.
 */
import { createHash } from "node:crypto";
import type { Host } from "../host.js";

/** One observation: the operation, its argument, and a digest of the answer. */
export type Observation = readonly [op: "read" | "size" | "specs" | "list" | "mode" | "real", arg: string, answer: string];

const digest = (value: unknown): string =>
  value === undefined
    ? "-"
    : createHash("sha256")
        .update(value instanceof Uint8Array ? value : JSON.stringify(value))
        .digest("hex");

export interface RecordingHost extends Host {
  /** Observations so far, deduplicated, in first-seen order. */
  observations(): Observation[];
}

/** Wraps `inner`; reads pass through and are recorded. Writes are not expected (and not recorded). */
export function recordingHost(inner: Host): RecordingHost {
  const seen = new Map<string, Observation>();
  const note = <T>(op: Observation[0], arg: string, answer: T): T => {
    const key = `${op}\0${arg}`;
    if (!seen.has(key)) seen.set(key, [op, arg, digest(answer)]);
    return answer;
  };
  const host: RecordingHost = {
    ...inner,
    readFile: (p) => note("read", p, inner.readFile(p)),
    fileSize: (p) => note("size", p, inner.fileSize(p)),
    listProjectSpecs: () => note("specs", "", inner.listProjectSpecs()),
    listFiles: (d) => note("list", d, inner.listFiles(d)),
    observations: () => [...seen.values()],
  };
  // Not passed through unrecorded: compile reading a stat (whose ctime changes on every
  // touch) would go unobserved. Without it, callers fall back to reads, which are recorded.
  delete host.fileStat;
  if (inner.fileMode) host.fileMode = (p) => note("mode", p, inner.fileMode!(p));
  if (inner.realPath) host.realPath = (p) => note("real", p, inner.realPath!(p));
  return host;
}

/** True when asking `host` again gives the same answer to every observation. */
export function observationsHold(host: Host, observations: readonly Observation[]): boolean {
  for (const [op, arg, answer] of observations) {
    const now =
      op === "read"
        ? host.readFile(arg)
        : op === "size"
          ? host.fileSize(arg)
          : op === "specs"
            ? host.listProjectSpecs()
            : op === "list"
              ? host.listFiles(arg)
              : op === "mode"
                ? host.fileMode?.(arg)
                : host.realPath?.(arg);
    if (digest(now) !== answer) return false;
  }
  return true;
}
