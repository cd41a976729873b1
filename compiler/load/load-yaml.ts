/**
 * load: bytes of one YAML file (through the Host) → a parsed document that keeps positions,
 * plus its plain value. Every way a file can be unusable becomes a diagnostic with a position:
 * missing, larger than 1 MiB (checked before reading), not UTF-8, empty, YAML syntax errors,
 * duplicate keys, tab indentation, alias bombs, too deep, or a root that is not a mapping.
 */
import { flowDepthExceeded } from "./flow-depth.js";
import { LineCounter, isMap, isScalar, isSeq, parseDocument, visit, type Document } from "yaml";
import type { Host } from "../host.js";
import type { Diagnostic, Result } from "../diagnostics/diagnostic.js";
import { createDiagnostic, type DiagnosticLocation } from "../diagnostics/registry.js";
import { decodeUtf8 } from "./decode-utf8.js";
import type { LoadedYaml } from "./loaded-yaml.js";
import { locate } from "./locate.js";

/** Specs are small; anything bigger is a mistake or an attack. */
export const MAX_SPEC_BYTES = 1024 * 1024;
/** Alias uses allowed while expanding; a spec rarely needs any, a bomb needs thousands. */
export const MAX_ALIAS_COUNT = 100;
/** Deepest nesting of mappings and lists; keeps every later recursive walk safe. */
export const MAX_DEPTH = 64;

/** A loaded YAML file: the document (for positions) and its value (for validation). */
export type { LoadedYaml } from "./loaded-yaml.js";

export interface LoadOptions {
  readonly maxBytes?: number;
  readonly maxAliasCount?: number;
}

/** Reads and parses `file` (workspace-relative) into a mapping, or explains why not. */
export function loadYaml(host: Host, file: string, options: LoadOptions = {}): Result<LoadedYaml> {
  const maxBytes = options.maxBytes ?? MAX_SPEC_BYTES;
  const whole: DiagnosticLocation = { file, line: 0, column: 0, path: "" };
  const size = host.fileSize(file);
  if (size === undefined) return fail(createDiagnostic("file-not-found", whole, {}));
  if (size > maxBytes) return fail(createDiagnostic("file-too-large", whole, { size, max: maxBytes }));
  const bytes = host.readFile(file);
  if (!bytes) return fail(createDiagnostic("file-not-found", whole, {}));
  // The size can change between stat and read; the bound must hold for what we parse.
  if (bytes.byteLength > maxBytes) return fail(createDiagnostic("file-too-large", whole, { size: bytes.byteLength, max: maxBytes }));

  const decoded = decodeUtf8(bytes);
  if (!decoded.ok) {
    const at = { file, line: decoded.line, column: decoded.column, path: "" };
    return fail(createDiagnostic("not-utf8", at, { byte: decoded.byte.toString(16).padStart(2, "0") }, "save the file as UTF-8"));
  }
  // YAML 1.2 counts a lone CR as a line break; the parser does not, and would read a file
  // saved with CR line ends as one long comment. CR → LF keeps every offset (and so every
  // position) where it was.
  const text = decoded.text.replace(/\r(?!\n)/g, "\n");
  if (text.trim() === "") return fail(createDiagnostic("empty-file", fileStart(file), {}));
  return parseText(file, text, options.maxAliasCount ?? MAX_ALIAS_COUNT);
}

/** Line 1, column 1: where editors jump for a problem of the file as a whole (an empty spec). */
const fileStart = (file: string): DiagnosticLocation => ({ file, line: 1, column: 1, path: "" });

/** Parses YAML text already decoded; exported for tests and for callers holding text. */
export function parseText(file: string, text: string, maxAliasCount = MAX_ALIAS_COUNT): Result<LoadedYaml> {
  const lineCounter = new LineCounter();
  const at = (offset: number, path = ""): DiagnosticLocation => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line, column: col, path };
  };
  const deep = flowDepthExceeded(text, MAX_DEPTH);
  if (deep >= 0) {
    lineCounter.addNewLine(0);
    for (let i = text.indexOf("\n"); i >= 0 && i < deep; i = text.indexOf("\n", i + 1)) lineCounter.addNewLine(i + 1);
    return fail(createDiagnostic("yaml-syntax", at(deep), { message: `mappings and lists nest deeper than ${MAX_DEPTH} levels` }));
  }
  let doc: Document.Parsed;
  try {
    doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false, strict: true, version: "1.2" });
  } catch (err) {
    // The parser recurses per nesting level; pathological input can exhaust the stack.
    return fail(createDiagnostic("yaml-syntax", { file, line: 1, column: 1, path: "" }, { message: errorText(err) }));
  }

  const diagnostics: Diagnostic[] = doc.errors.map((e) => {
    const loc = at(e.pos[0]);
    if (e.code === "DUPLICATE_KEY") return createDiagnostic("duplicate-key", loc, { key: keyAt(text, e.pos[0]) });
    if (e.code === "TAB_AS_INDENT") return createDiagnostic("tab-indent", loc, {});
    return createDiagnostic("yaml-syntax", loc, { message: lowerFirst(e.message) });
  });
  for (const w of doc.warnings) diagnostics.push(createDiagnostic("yaml-warning", at(w.pos[0]), { message: lowerFirst(w.message) }));
  if (diagnostics.some((d) => d.severity === "error")) return { diagnostics };

  if (doc.contents === null) return fail(createDiagnostic("empty-file", fileStart(file), {}));
  if (!isMap(doc.contents)) {
    const got = isSeq(doc.contents) ? "a list" : isScalar(doc.contents) ? `the scalar ${JSON.stringify(doc.contents.toJSON())}` : "an alias";
    return fail(createDiagnostic("root-not-mapping", at(doc.contents.range[0]), { got }), diagnostics);
  }

  // `__proto__` would be dropped or, worse, reach an object's prototype in later stages.
  const reserved = reservedKeyOffsets(doc);
  if (reserved.length > 0) return { diagnostics: [...diagnostics, ...reserved.map((o) => createDiagnostic("reserved-key", at(o), { key: "__proto__" }))] };

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount });
  } catch (err) {
    const alias = firstAliasOffset(doc);
    const loc = at(alias ?? doc.contents.range[0]);
    if (/alias count/i.test(errorText(err))) {
      return fail(createDiagnostic("alias-limit", loc, { max: maxAliasCount }, "write the values out instead of nesting aliases"), diagnostics);
    }
    return fail(createDiagnostic("yaml-syntax", loc, { message: lowerFirst(errorText(err)) }), diagnostics);
  }
  const loaded: LoadedYaml = { file, doc, lineCounter, value: value as Record<string, unknown> };
  const deepPath = pathDeeperThan(value, MAX_DEPTH);
  if (deepPath) {
    // At the first node below the limit, so an editor jumps to the line that nests too deep.
    return fail(createDiagnostic("yaml-syntax", locate(loaded, deepPath), { message: `mappings and lists nest deeper than ${MAX_DEPTH} levels` }), diagnostics);
  }
  return { value: loaded, diagnostics };
}

function fail(d: Diagnostic, before: readonly Diagnostic[] = []): Result<never> {
  return { diagnostics: [...before, d] };
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** The key text at a duplicate-key error offset (plain, quoted or flow), for the message. */
function keyAt(text: string, offset: number): string {
  const rest = text.slice(offset, offset + 200);
  const m = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^:\n,{}[\]]*)/.exec(rest);
  const raw = (m?.[1] ?? "").trim();
  return raw.replace(/^["']|["']$/g, "");
}

function reservedKeyOffsets(doc: Document.Parsed): number[] {
  const offsets: number[] = [];
  visit(doc, {
    Pair(_, pair) {
      if (isScalar(pair.key) && pair.key.value === "__proto__") offsets.push(pair.key.range?.[0] ?? 0);
    },
  });
  return offsets;
}

function firstAliasOffset(doc: Document.Parsed): number | undefined {
  let offset: number | undefined;
  visit(doc, {
    Alias(_, node) {
      offset = node.range?.[0];
      return visit.BREAK;
    },
  });
  return offset;
}

/**
 * The path to the first collection (in document order) that nests deeper than `max`, or
 * undefined; iterative, so it cannot overflow the stack.
 */
function pathDeeperThan(value: unknown, max: number): (string | number)[] | undefined {
  const stack: [unknown, (string | number)[]][] = [[value, []]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (v === null || typeof v !== "object") continue;
    if (path.length >= max) return path;
    const children: [string | number, unknown][] = Array.isArray(v) ? v.map((c, i) => [i, c]) : Object.entries(v);
    for (let i = children.length - 1; i >= 0; i--) stack.push([children[i]![1], [...path, children[i]![0]]]);
  }
  return undefined;
}
