/**
 * Turns an opened source into rows: picks the format (auto = by extension, or json-folder
 * for a folder), reads files in name order under the byte cap, reports progress, and
 * wraps every failure into one sentence that names the file and line.
 */
import { emitProgress, throttled } from "../lifecycle/progress.js";
import { parseCsv } from "./parse-csv.js";
import { ParseError } from "./parse-error.js";
import { parseJsonArray, parseJsonDocument } from "./parse-json.js";
import { parseJsonl } from "./parse-jsonl.js";
import type { IngestConfig, IngestContext, IngestFormat, OpenedSource, Row, SourceFile } from "./types.js";

export type ConcreteFormat = Exclude<IngestFormat, "auto">;

const EXTENSIONS: Record<ConcreteFormat, readonly string[]> = {
  jsonl: [".jsonl", ".ndjson"],
  csv: [".csv"],
  json: [".json"],
  "json-folder": [".json"],
};

export function resolveFormat(source: OpenedSource, format: IngestFormat): ConcreteFormat {
  if (format !== "auto") return format;
  if (source.folder) return "json-folder";
  const name = (source.files[0]?.name || source.uri).toLowerCase();
  for (const f of ["jsonl", "csv", "json"] as const) if (EXTENSIONS[f].some((e) => name.endsWith(e))) return f;
  throw new ParseError(`cannot tell the format of ${source.uri} from its name; set ingest.source.format (jsonl, csv, json or json-folder)`);
}

export interface ReadResult {
  readonly format: ConcreteFormat;
  readonly bytes: number;
  readonly files: number;
  /** json-folder files that hold no object (e.g. a manifest array), skipped with a note. */
  readonly skipped: readonly string[];
}

export async function readRows(source: OpenedSource, cfg: IngestConfig, ctx: IngestContext, emit: (row: Row) => void): Promise<ReadResult> {
  const format = resolveFormat(source, cfg.format);
  if (format === "json-folder" && !source.folder) throw new ParseError(`${source.uri} is a single file, but format json-folder expects a folder`);
  const files: SourceFile[] = source.folder ? source.files.filter((f) => EXTENSIONS[format].some((e) => f.name.toLowerCase().endsWith(e))) : [...source.files];
  if (files.length === 0) throw new ParseError(`${source.uri} holds no ${EXTENSIONS[format].join(" or ")} files for format ${format}`);
  const total = files.reduce((a, f) => a + f.size, 0);
  if (total > cfg.maxBytes) throw new ParseError(`${source.uri}: ${total} bytes exceed the ${cfg.maxBytes}-byte limit (max_bytes)`);
  const fileProgress = throttled(ctx.log, "read", "files", 1000);
  const byteProgress = throttled(ctx.log, "read", "MB", 64 * 1048576);
  const skipped: string[] = [];
  let bytes = 0;
  let done = 0;
  for (const file of files) {
    const buf = await file.read();
    bytes += buf.length;
    if (bytes > cfg.maxBytes) throw new ParseError(`${source.uri}: more than ${cfg.maxBytes} bytes (max_bytes)`);
    const text = buf.toString("utf8");
    const label = source.folder ? file.name : "";
    if (format === "jsonl") parseJsonl(text, label, emit);
    else if (format === "csv") parseCsv(text, label, cfg.columns, emit);
    else if (format === "json") parseJsonArray(text, label, cfg.columns, emit);
    else {
      const doc = parseJsonDocument(text, file.name);
      if (doc !== null && typeof doc === "object" && !Array.isArray(doc)) emit(doc as Row);
      else skipped.push(file.name);
    }
    done++;
    if (ctx.log.progress) emitProgress(ctx.log, { task: "ingest", label: "read", unit: "bytes", done: bytes, total, fields: { files: `${done}/${files.length}` }, final: done === files.length });
    else if (source.folder) fileProgress(done);
    else byteProgress(bytes);
  }
  return { format, bytes, files: files.length, skipped };
}
