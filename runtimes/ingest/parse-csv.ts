/**
 * CSV per RFC 4180: comma-separated fields, fields in double quotes may hold commas, CR/LF
 * and doubled quotes (""). The first record is the header unless `columns` names the
 * fields (then every record is data). Values stay strings: types are register's job.
 * A BOM is dropped; a final line break is optional; every record must have the header's width.
 */
import { ParseError, where } from "./parse-error.js";
import type { Row } from "./types.js";

/** Splits CSV text into records of fields, with the 1-based line each record starts on. */
export function* csvRecords(text: string, file: string): Generator<{ fields: string[]; line: number }> {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const startLine = line;
    const fields: string[] = [];
    for (;;) {
      let value = "";
      if (text[i] === '"') {
        i++;
        for (;;) {
          if (i >= n) throw new ParseError(`${where(file, "line", startLine)}: unterminated quoted field`);
          const c = text[i]!;
          if (c === '"') {
            if (text[i + 1] === '"') {
              value += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === "\n") line++;
          value += c;
          i++;
        }
        const next = text[i];
        if (next !== undefined && next !== "," && next !== "\n" && next !== "\r") {
          throw new ParseError(`${where(file, "line", line)}: unexpected character after a closing quote`);
        }
      } else {
        const start = i;
        while (i < n && text[i] !== "," && text[i] !== "\n" && text[i] !== "\r") {
          if (text[i] === '"') throw new ParseError(`${where(file, "line", line)}: a quote inside an unquoted field (quote the whole field and double the quote)`);
          i++;
        }
        value = text.slice(start, i);
      }
      fields.push(value);
      if (text[i] === ",") {
        i++;
        continue;
      }
      if (text[i] === "\r") i++;
      if (text[i] === "\n") {
        i++;
        line++;
      }
      break;
    }
    // A blank line between records (or at the end) is not a record.
    if (fields.length === 1 && fields[0] === "") continue;
    yield { fields, line: startLine };
  }
}

export function parseCsv(text: string, file: string, columns: readonly string[], emit: (row: Row) => void): void {
  let header: readonly string[] | undefined = columns.length > 0 ? columns : undefined;
  for (const { fields, line } of csvRecords(text, file)) {
    if (!header) {
      const dup = fields.find((f, k) => fields.indexOf(f) !== k);
      if (dup !== undefined) throw new ParseError(`${where(file, "line", line)}: header names column "${dup}" twice`);
      header = fields;
      continue;
    }
    if (fields.length !== header.length) {
      throw new ParseError(`${where(file, "line", line)}: ${fields.length} field(s), expected ${header.length} (${header.join(", ")})`);
    }
    const row: Row = {};
    for (let k = 0; k < header.length; k++) row[header[k]!] = fields[k];
    emit(row);
  }
}
