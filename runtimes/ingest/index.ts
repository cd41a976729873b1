/**
 * Ingest: source → raw snapshot. The snapshot is the source's rows as normalised JSON
 * Lines (one object per line, source order, source key order) plus a small manifest, kept
 * in the project's work folder (`.mesh/work/<project>/ingest/{raw.jsonl, raw.json}`), not
 * in the registry: raw data is an input of register, and the registered dataset version
 * is what is shared and versioned. The manifest records the snapshot's sha256 (register's
 * input hash) and the source fingerprint, so an unchanged source is not read again.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { inputsHash } from "../lifecycle/canonical-json.js";
import { LifecycleError, reason } from "../lifecycle/errors.js";
import { openSource } from "./open-source.js";
import { ParseError } from "./parse-error.js";
import { readRows, type ConcreteFormat } from "./read-rows.js";
import { SourceError } from "./source-local.js";
import type { IngestConfig, IngestContext } from "./types.js";

export type { IngestConfig, IngestContext, IngestFormat, S3Settings, Row } from "./types.js";

/** The manifest beside a raw snapshot (`raw.json`). */
export interface SnapshotManifest {
  readonly uri: string;
  readonly format: ConcreteFormat;
  /** Hash of (source fingerprint, format, columns); absent when the source offers no fingerprint. */
  readonly inputsHash?: string;
  readonly sha256: string;
  readonly rows: number;
  readonly sourceBytes: number;
  readonly files: number;
  readonly skippedFiles: readonly string[];
}

export interface IngestResult {
  readonly manifest: SnapshotManifest;
  /** Absolute path of raw.jsonl. */
  readonly snapshotPath: string;
  readonly skipped: boolean;
}

export const SNAPSHOT_FILE = "raw.jsonl";
export const MANIFEST_FILE = "raw.json";

/** Reads the manifest of a previous ingest, if any and intact. */
export function readSnapshotManifest(dir: string): SnapshotManifest | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, MANIFEST_FILE), "utf8")) as SnapshotManifest;
  } catch {
    return undefined;
  }
}

function fileSha256(file: string): string | undefined {
  try {
    return createHash("sha256").update(fs.readFileSync(file)).digest("hex");
  } catch {
    return undefined;
  }
}

/**
 * Runs ingest into `dir` (created if needed). Skips when the source fingerprint and config
 * match the previous manifest and the snapshot on disk still has its recorded hash.
 */
export async function ingest(cfg: IngestConfig, ctx: IngestContext, dir: string, opts: { force?: boolean } = {}): Promise<IngestResult> {
  const snapshotPath = path.join(dir, SNAPSHOT_FILE);
  try {
    const source = await openSource(cfg, ctx);
    const hash = source.fingerprint === undefined ? undefined : inputsHash({ fingerprint: source.fingerprint, format: cfg.format, columns: cfg.columns });
    const previous = readSnapshotManifest(dir);
    if (!opts.force && hash && previous?.inputsHash === hash && fileSha256(snapshotPath) === previous.sha256) {
      return { manifest: previous, snapshotPath, skipped: true };
    }
    fs.mkdirSync(dir, { recursive: true });
    const tmp = `${snapshotPath}.tmp-${process.pid}`;
    const fd = fs.openSync(tmp, "w");
    const sha = createHash("sha256");
    let rows = 0;
    const pending: string[] = [];
    const flush = () => {
      const chunk = pending.join("");
      pending.length = 0;
      sha.update(chunk);
      fs.writeSync(fd, chunk);
    };
    let read;
    try {
      read = await readRows(source, cfg, ctx, (row) => {
        pending.push(`${JSON.stringify(row)}\n`);
        rows++;
        if (pending.length >= 512) flush();
      });
      flush();
      fs.closeSync(fd);
    } catch (err) {
      fs.closeSync(fd);
      fs.rmSync(tmp, { force: true });
      throw err;
    }
    if (rows === 0) {
      fs.rmSync(tmp, { force: true });
      throw new ParseError(`${cfg.uri} holds no rows`);
    }
    if (read.skipped.length > 0) {
      ctx.log(`  note: skipped ${read.skipped.length} file(s) that hold no JSON object, e.g. ${read.skipped[0]}`);
    }
    const manifest: SnapshotManifest = {
      uri: cfg.uri,
      format: read.format,
      ...(hash ? { inputsHash: hash } : {}),
      sha256: sha.digest("hex"),
      rows,
      sourceBytes: read.bytes,
      files: read.files,
      skippedFiles: read.skipped,
    };
    // Snapshot first, manifest last, each renamed into place: a reader never sees a
    // manifest describing a snapshot that is not there yet.
    fs.renameSync(tmp, snapshotPath);
    const manifestTmp = path.join(dir, `${MANIFEST_FILE}.tmp-${process.pid}`);
    fs.writeFileSync(manifestTmp, `${JSON.stringify(manifest, null, 2)}\n`);
    fs.renameSync(manifestTmp, path.join(dir, MANIFEST_FILE));
    return { manifest, snapshotPath, skipped: false };
  } catch (err) {
    if (err instanceof SourceError || err instanceof ParseError) throw new LifecycleError("ingest", err.message);
    if (err instanceof LifecycleError) throw err;
    throw new LifecycleError("ingest", `reading ${cfg.uri} failed: ${reason(err)}`, { cause: err });
  }
}
