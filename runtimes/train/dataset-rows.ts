/**
 * Reads a registered dataset version back for training: verifies its hash, splits rows by
 * the `_split` column and maps labels to class indices (a label the model does not know
 * is an error with its line number).
 */
import { sha256Hex } from "../support/canonical-json.js";
import { SPLIT_COLUMN } from "../register/types.js";

export type Row = Readonly<Record<string, unknown>>;

export interface LabelledRows {
  readonly train: { readonly rows: Row[]; readonly y: number[] };
  readonly test: { readonly rows: Row[]; readonly y: number[] };
}

export class DatasetError extends Error {}

export function splitDataset(bytes: Uint8Array, expectedSha256: string, labels: readonly string[], target: string): LabelledRows {
  if (sha256Hex(bytes) !== expectedSha256) throw new DatasetError(`data.jsonl does not match the sha256 on its card`);
  const out: LabelledRows = { train: { rows: [], y: [] }, test: { rows: [], y: [] } };
  const lines = Buffer.from(bytes).toString("utf8").split("\n");
  lines.forEach((line, i) => {
    if (line.trim() === "") return;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new DatasetError(`data.jsonl line ${i + 1} is not valid JSON`);
    }
    const y = labels.indexOf(String(row[target]));
    if (y < 0) throw new DatasetError(`data.jsonl line ${i + 1}: label ${JSON.stringify(row[target])} in column ${target} is not one of the model's labels (${labels.join(", ")})`);
    const split = row[SPLIT_COLUMN];
    if (split !== "train" && split !== "test") throw new DatasetError(`data.jsonl line ${i + 1}: ${SPLIT_COLUMN} must be "train" or "test"`);
    out[split].rows.push(row);
    out[split].y.push(y);
  });
  if (out.train.rows.length === 0 || out.test.rows.length === 0) throw new DatasetError(`the dataset has no ${out.train.rows.length === 0 ? "train" : "test"} rows`);
  return out;
}
