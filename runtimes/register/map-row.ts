/**
 * One raw row → one dataset row: read each column `from` its source column, apply the
 * glob map, convert to the declared type (CSV gives strings, so numeric and boolean
 * strings convert), and check enum and max_length. Returns the row or the first problem.
 */
import { applyMap } from "./glob.js";
import type { ColumnConfig, DatasetRow } from "./types.js";

export type MapResult = { readonly ok: true; readonly row: DatasetRow } | { readonly ok: false; readonly column: string; readonly message: string };

const show = (v: unknown) => {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
};

function convert(col: ColumnConfig, v: unknown): string | number | boolean | { error: string } {
  switch (col.type) {
    case "string":
      if (typeof v === "string") return v;
      if (typeof v === "number" || typeof v === "boolean") return String(v);
      return { error: `expected a string, got ${show(v)}` };
    case "number":
    case "integer": {
      const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN;
      if (!Number.isFinite(n)) return { error: `expected ${col.type === "integer" ? "an integer" : "a number"}, got ${show(v)}` };
      if (col.type === "integer" && !Number.isInteger(n)) return { error: `expected an integer, got ${show(v)}` };
      return n;
    }
    case "boolean":
      if (typeof v === "boolean") return v;
      if (v === "true" || v === "false") return v === "true";
      return { error: `expected a boolean, got ${show(v)}` };
  }
}

export function mapRow(raw: Readonly<Record<string, unknown>>, columns: readonly ColumnConfig[]): MapResult {
  const row: DatasetRow = {};
  for (const col of columns) {
    let v = raw[col.from];
    if (v === undefined || v === null || v === "") {
      return { ok: false, column: col.name, message: `missing value${col.from !== col.name ? ` (source column ${col.from})` : ""}` };
    }
    if (col.map.length > 0) v = applyMap(col.map, typeof v === "string" ? v : String(v));
    const out = convert(col, v);
    if (typeof out === "object") return { ok: false, column: col.name, message: out.error };
    if (col.enum.length > 0 && !col.enum.includes(String(out))) {
      return { ok: false, column: col.name, message: `${show(out)} is not one of ${col.enum.join(", ")}` };
    }
    if (col.maxLength > 0 && typeof out === "string" && out.length > col.maxLength) {
      return { ok: false, column: col.name, message: `${out.length} characters, more than max_length ${col.maxLength}` };
    }
    row[col.name] = out;
  }
  return { ok: true, row };
}
