/** JSON Lines: one JSON object per line; blank lines are ignored; CRLF is accepted. */
import { ParseError, where } from "./parse-error.js";
import type { Row } from "./types.js";

export function parseJsonl(text: string, file: string, emit: (row: Row) => void): void {
  let start = 0;
  let line = 0;
  while (start <= text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    line++;
    const raw = text.slice(start, end).replace(/\r$/, "");
    start = end + 1;
    if (raw.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new ParseError(`${where(file, "line", line)}: not valid JSON (${(err as Error).message})`);
    }
    if (value === null || typeof value !== "object" || Array.isArray(value)) {
      throw new ParseError(`${where(file, "line", line)}: expected a JSON object, got ${Array.isArray(value) ? "an array" : JSON.stringify(value)}`);
    }
    emit(value as Row);
  }
}
