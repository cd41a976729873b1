/**
 * Register: the raw snapshot (ingest's `raw` dataset) → a published dataset version
 * `<project>/datasets/<dataset>/<n>/{data.jsonl, schema.json, card.json}`. data.jsonl holds
 * one validated row per line with a `_split` column ("train" | "test"); the card holds
 * the sha256 of data.jsonl, the stats and the inputs hash (snapshot hash + config), so an
 * unchanged register is skipped by comparing with the newest version's card.
 */
import { inputsHash, jsonBytes, sha256Hex } from "../support/canonical-json.js";
import { LifecycleError, reason } from "../lifecycle/errors.js";
import { emitProgress, type Log } from "../lifecycle/progress.js";
import { RAW_DATASET } from "../ingest/raw-dataset.js";
import type { DatasetCard, DatasetRef, Registry } from "../registry/types.js";
import { BadRowsError, buildDataset, describeBadRow, type DatasetStats } from "./build-dataset.js";
import { SPLIT_COLUMN, type RegisterConfig } from "./types.js";

export type { ColumnConfig, RegisterConfig, ScalarType, DatasetRow, Split } from "./types.js";
export { SPLIT_COLUMN } from "./types.js";

export interface RegisterContext {
  readonly project: string;
  readonly registry: Registry;
  readonly log: Log;
}

export interface RegisterResult {
  readonly ref: DatasetRef;
  readonly card: DatasetCard;
  readonly skipped: boolean;
}

/** Yields [line number, row] for each non-blank line of a JSON Lines file. */
const countLines = (text: string) => text.split("\n").filter((l) => l.trim() !== "").length;

/** Passes rows through, reporting every 1000th as progress (rows read of the snapshot's total). */
function* counted<T>(rows: Iterable<T>, total: number, log: Log): Generator<T> {
  let n = 0;
  for (const row of rows) {
    if (++n % 1000 === 0) emitProgress(log, { task: "register", label: "rows", unit: "rows", done: n, total });
    yield row;
  }
}

function* readJsonl(text: string): Generator<readonly [number, Record<string, unknown>]> {
  const lines = text.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() !== "") yield [i + 1, JSON.parse(line) as Record<string, unknown>];
  }
}

export function registerInputsHash(cfg: RegisterConfig, snapshotSha256: string): string {
  return inputsHash({ step: "register", snapshot: snapshotSha256, config: cfg });
}

/** The newest dataset version, with its card; undefined when there is none. */
export async function latestDataset(registry: Registry, project: string, dataset: string): Promise<{ ref: DatasetRef; card: DatasetCard } | undefined> {
  const versions = await registry.listDatasetVersions(project, dataset);
  const version = versions.at(-1);
  if (version === undefined) return undefined;
  const ref = { project, dataset, version };
  return { ref, card: await registry.readDatasetCard(ref) };
}

export async function register(cfg: RegisterConfig, ctx: RegisterContext, raw: { readonly ref: DatasetRef; readonly card: DatasetCard }, opts: { force?: boolean } = {}): Promise<RegisterResult> {
  if (cfg.columns.some((c) => c.name === SPLIT_COLUMN)) throw new LifecycleError("register", `column name ${SPLIT_COLUMN} is reserved for the split`);
  if (cfg.dataset === RAW_DATASET) throw new LifecycleError("register", `dataset name ${RAW_DATASET} is reserved for ingest's raw snapshots; pick another register.dataset`);
  const hash = registerInputsHash(cfg, raw.card.sha256);
  const latest = await latestDataset(ctx.registry, ctx.project, cfg.dataset);
  if (!opts.force && latest?.card.inputsHash === hash) return { ...latest, skipped: true };

  // The registry verifies the bytes against the card's file hash; the card's sha256 is
  // checked again here because it is what the inputs hash above was computed from.
  const bytes = await ctx.registry.readDatasetFile(raw.ref, "data.jsonl");
  if (sha256Hex(bytes) !== raw.card.sha256) throw new LifecycleError("register", `raw snapshot ${raw.card.id} does not match its recorded sha256; run the ingest step again`);
  const text = Buffer.from(bytes).toString("utf8");

  let built;
  try {
    built = buildDataset(ctx.log.progress ? counted(readJsonl(text), countLines(text), ctx.log) : readJsonl(text), cfg);
  } catch (err) {
    if (err instanceof BadRowsError) throw new LifecycleError("register", `dataset ${cfg.dataset}: ${err.message}`);
    throw new LifecycleError("register", `raw snapshot ${raw.card.id} is corrupt: ${reason(err)}`);
  }
  if (ctx.log.progress)
    emitProgress(ctx.log, {
      task: "register",
      label: "rows",
      unit: "rows",
      done: built.rows.length + built.badRows.length + built.stats.duplicates,
      total: countLines(text),
      fields: { kept: built.rows.length, bad: built.badRows.length, duplicates: built.stats.duplicates },
      final: true,
    });
  if (built.badRows.length > 0) {
    ctx.log(`  dropped ${built.badRows.length} row(s) that do not fit the schema (within budget), e.g. ${describeBadRow(built.badRows[0]!)}`);
  }
  if (built.stats.duplicates > 0) ctx.log(`  dropped ${built.stats.duplicates} duplicate row(s)`);

  const data = Buffer.from(built.rows.map((r) => `${JSON.stringify(r)}\n`).join(""), "utf8");
  const sha256 = sha256Hex(data);
  const schema = {
    columns: cfg.columns.map((c) => ({ name: c.name, type: c.type, ...(c.enum.length ? { enum: c.enum } : {}), ...(c.maxLength ? { maxLength: c.maxLength } : {}) })),
    splitColumn: SPLIT_COLUMN,
    target: cfg.target,
  };
  const card = {
    project: ctx.project,
    dataset: cfg.dataset,
    sha256,
    rows: built.stats.rows,
    stats: { ...(built.stats as DatasetStats), source: { id: raw.card.id, sha256: raw.card.sha256 } },
    inputsHash: hash,
  };
  const ref = await ctx.registry.publishDataset(ctx.project, cfg.dataset, { "data.jsonl": data, "schema.json": jsonBytes(schema) }, card);
  return { ref, card: await ctx.registry.readDatasetCard(ref), skipped: false };
}
