/**
 * Register configuration, structurally the IR's `RegisterIR` plus the label column used to
 * stratify the split (the IR's `model.target`).
 */
export type ScalarType = "string" | "number" | "integer" | "boolean";

export interface ColumnConfig {
  readonly name: string;
  readonly type: ScalarType;
  /** Source column to read. */
  readonly from: string;
  /** Allowed values; [] = any. */
  readonly enum: readonly string[];
  /** Ordered glob → value pairs applied to the source value; the first match wins. */
  readonly map: readonly (readonly [string, string])[];
  /** Longest string allowed; 0 = no limit. */
  readonly maxLength: number;
}

export interface RegisterConfig {
  readonly dataset: string;
  readonly columns: readonly ColumnConfig[];
  readonly split: { readonly test: number; readonly seed: number };
  readonly dedupe: boolean;
  readonly badRowsMaxFraction: number;
  /** Column holding the class label; the split is stratified by it when it is a column. */
  readonly target: string;
}

/** The column data.jsonl adds to every row: "train" or "test". */
export const SPLIT_COLUMN = "_split";

export type Split = "train" | "test";
export type DatasetRow = Record<string, string | number | boolean>;
