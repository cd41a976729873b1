/** A malformed source: names the file and the line (or element) where parsing stopped. */
export class ParseError extends Error {}

/** "data.csv line 12" or "line 12" for a single unnamed file. */
export const where = (file: string, unit: "line" | "element" | "file", n?: number) => (unit === "file" ? file : `${file ? `${file} ` : ""}${unit} ${n}`);
