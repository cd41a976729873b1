/**
 * The pure part of register: raw rows → validated, de-duplicated, split rows with stats.
 * Bad rows are counted against the budget and reported with their 1-based position in the
 * raw snapshot (its line number), so a user can open raw.jsonl at that line.
 */
import { canonicalJson, sha256Hex } from "../support/canonical-json.js";
import { mapRow } from "./map-row.js";
import { splitRows } from "./split.js";
import { SPLIT_COLUMN, type DatasetRow, type RegisterConfig, type Split } from "./types.js";

export interface BadRow {
  readonly row: number;
  readonly column: string;
  readonly message: string;
}

export interface DatasetStats {
  readonly sourceRows: number;
  readonly badRows: number;
  readonly duplicates: number;
  readonly rows: number;
  readonly labels: Readonly<Record<string, number>>;
  readonly splits: Readonly<Record<Split, { readonly rows: number; readonly labels: Readonly<Record<string, number>> }>>;
}

export interface BuiltDataset {
  readonly rows: readonly (DatasetRow & { readonly [SPLIT_COLUMN]: Split })[];
  readonly stats: DatasetStats;
  readonly badRows: readonly BadRow[];
}

export class BadRowsError extends Error {}

export const describeBadRow = (b: BadRow) => `row ${b.row} column ${b.column}: ${b.message}`;

function count(labels: Record<string, number>, key: string) {
  labels[key] = (labels[key] ?? 0) + 1;
}

/** `rawRows` yields [position, row] pairs in snapshot order. */
export function buildDataset(rawRows: Iterable<readonly [number, Readonly<Record<string, unknown>>]>, cfg: RegisterConfig): BuiltDataset {
  const kept: DatasetRow[] = [];
  const hashes: string[] = [];
  const seen = new Set<string>();
  const badRows: BadRow[] = [];
  let sourceRows = 0;
  let duplicates = 0;
  for (const [position, raw] of rawRows) {
    sourceRows++;
    const r = mapRow(raw, cfg.columns);
    if (!r.ok) {
      badRows.push({ row: position, column: r.column, message: r.message });
      continue;
    }
    const hash = sha256Hex(canonicalJson(r.row));
    if (cfg.dedupe) {
      if (seen.has(hash)) {
        duplicates++;
        continue;
      }
      seen.add(hash);
    }
    kept.push(r.row);
    hashes.push(hash);
  }
  const budget = cfg.badRowsMaxFraction * sourceRows;
  if (badRows.length > 0 && badRows.length > budget) {
    const pct = ((100 * badRows.length) / Math.max(sourceRows, 1)).toFixed(1);
    throw new BadRowsError(
      `${badRows.length} of ${sourceRows} rows (${pct}%) do not fit the schema, over the budget of ${cfg.badRowsMaxFraction * 100}% (register.bad_rows.max_fraction); first: ${badRows.slice(0, 3).map(describeBadRow).join("; ")}`,
    );
  }
  if (kept.length < 2) throw new BadRowsError(`only ${kept.length} valid row(s) left; a dataset needs at least 2 to split`);
  const hasTarget = cfg.columns.some((c) => c.name === cfg.target);
  const splits = splitRows(
    hashes.map((hash, i) => ({ hash, stratum: hasTarget ? String(kept[i]![cfg.target]) : "" })),
    cfg.split.test,
    cfg.split.seed,
  );
  const labels: Record<string, number> = {};
  const per = { train: { rows: 0, labels: {} as Record<string, number> }, test: { rows: 0, labels: {} as Record<string, number> } };
  const rows = kept.map((row, i) => {
    const split = splits[i]!;
    per[split].rows++;
    if (hasTarget) {
      count(labels, String(row[cfg.target]));
      count(per[split].labels, String(row[cfg.target]));
    }
    return { ...row, [SPLIT_COLUMN]: split };
  });
  if (per.test.rows === 0 || per.train.rows === 0) throw new BadRowsError(`the split left no ${per.test.rows === 0 ? "test" : "train"} rows (register.split.test = ${cfg.split.test})`);
  return { rows, badRows, stats: { sourceRows, badRows: badRows.length, duplicates, rows: rows.length, labels, splits: per } };
}
