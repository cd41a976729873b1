/**
 * Ingest: source → raw snapshot, published in the registry as the project's `raw` dataset
 * (`<project>/datasets/raw/<n>/{data.jsonl, schema.json, card.json}`). data.jsonl holds the
 * source's rows as normalised JSON Lines (one object per line, source order, source key
 * order); the card records its sha256 (register's input), the row count, the source and
 * the inputs hash (source fingerprint + format + columns). Keeping it in the registry,
 * not on local disk, is what lets each step run in its own container with only the
 * registry mounted (`mesh run NAME --only STEP`).
 *
 * Skipped when the source's fingerprint is unchanged; when a source has no fingerprint
 * (an https server without ETag) it is read again, and an identical snapshot reuses the
 * newest version instead of publishing a new one.
 */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { inputsHash, jsonBytes } from "../support/canonical-json.js";
import { LifecycleError, reason } from "../lifecycle/errors.js";
import type { DatasetCard, DatasetRef, Registry } from "../registry/types.js";
import { openSource } from "./open-source.js";
import { ParseError } from "./parse-error.js";
import { RAW_DATASET } from "./raw-dataset.js";
import { readRows } from "./read-rows.js";
import { SourceError } from "./source-local.js";
import type { IngestConfig, IngestContext } from "./types.js";

export type { IngestConfig, IngestContext, IngestFormat, S3Settings, Row } from "./types.js";

export { RAW_DATASET } from "./raw-dataset.js";

export interface RawSnapshot {
  readonly ref: DatasetRef;
  readonly card: DatasetCard;
}

export interface IngestResult extends RawSnapshot {
  readonly skipped: boolean;
}

/** What ingest needs beyond reading the source: where to publish. */
export interface IngestTarget {
  readonly project: string;
  readonly registry: Registry;
}

/** The newest raw snapshot of a project, if any. */
export async function latestRaw(registry: Registry, project: string): Promise<RawSnapshot | undefined> {
  const version = (await registry.listDatasetVersions(project, RAW_DATASET)).at(-1);
  if (version === undefined) return undefined;
  const ref = { project, dataset: RAW_DATASET, version };
  return { ref, card: await registry.readDatasetCard(ref) };
}

export async function ingest(cfg: IngestConfig, ctx: IngestContext, target: IngestTarget, opts: { force?: boolean } = {}): Promise<IngestResult> {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-ingest-"));
  try {
    const source = await openSource(cfg, ctx);
    const hash = source.fingerprint === undefined ? undefined : inputsHash({ fingerprint: source.fingerprint, format: cfg.format, columns: cfg.columns });
    const latest = await latestRaw(target.registry, target.project);
    if (!opts.force && hash && latest?.card.inputsHash === hash) return { ...latest, skipped: true };

    const file = path.join(scratch, "data.jsonl");
    const fd = fs.openSync(file, "w");
    const sha = createHash("sha256");
    const columns = new Set<string>();
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
        if (columns.size < 4096) for (const k of Object.keys(row)) columns.add(k);
        rows++;
        if (pending.length >= 512) flush();
      });
      flush();
    } finally {
      fs.closeSync(fd);
    }
    if (rows === 0) throw new ParseError(`${cfg.uri} holds no rows`);
    if (read.skipped.length > 0) ctx.log(`  note: skipped ${read.skipped.length} file(s) that hold no JSON object, e.g. ${read.skipped[0]}`);
    const sha256 = sha.digest("hex");
    if (!opts.force && latest?.card.sha256 === sha256) {
      ctx.log(`  the source was read again (no fingerprint, or it moved) but its rows are unchanged: reusing ${latest.card.id}`);
      return { ...latest, skipped: true };
    }
    const stats = { uri: cfg.uri, format: read.format, sourceBytes: read.bytes, files: read.files, skippedFiles: read.skipped };
    const card = { project: target.project, dataset: RAW_DATASET, sha256, rows, stats, ...(hash ? { inputsHash: hash } : {}) };
    const schema = { kind: "raw", uri: cfg.uri, format: read.format, columns: [...columns].sort() };
    const ref = await target.registry.publishDataset(target.project, RAW_DATASET, { "data.jsonl": { localPath: file }, "schema.json": jsonBytes(schema) }, card);
    return { ref, card: await target.registry.readDatasetCard(ref), skipped: false };
  } catch (err) {
    if (err instanceof SourceError || err instanceof ParseError) throw new LifecycleError("ingest", err.message);
    if (err instanceof LifecycleError || (err as Error)?.name === "RegistryError") throw err;
    throw new LifecycleError("ingest", `reading ${cfg.uri} failed: ${reason(err)}`, { cause: err });
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
