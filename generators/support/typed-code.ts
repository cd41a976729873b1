/**
 * Generated TypeScript and its JavaScript twin from ONE text: the generator writes TypeScript
 * and wraps every piece that exists only for the type checker (annotations, casts, `!`,
 * type-only imports and aliases) in `ty(…)`; `typeScript` keeps those pieces, `javaScript`
 * drops them. No AST and no compiler on the generate path: the text is the program, and tests
 * run real `tsc` over the TypeScript and Node over the JavaScript.
 *
 * Marks cannot nest. A line that holds nothing but a mark vanishes from the JavaScript, and so
 * do the extra blank lines a vanished block leaves.
 */

const OPEN = "\u0001";
const CLOSE = "\u0002";
const MARKED = /\u0001([^\u0001\u0002]*)\u0002/g;
const MARKED_LINE = /^\u0001[^\u0001\u0002]*\u0002\n/gm;

/** TypeScript-only text: kept in `.ts`, dropped from `.js`. */
export const ty = (text: string): string => {
  if (text.includes(OPEN) || text.includes(CLOSE)) throw new Error("internal: nested type-only marks");
  return `${OPEN}${text}${CLOSE}`;
};

/** A whole TypeScript-only line (declaration, type import, type alias). */
export const tyLine = (line: string): string => ty(line);

export function typeScript(marked: string): string {
  return marked.replace(MARKED, "$1");
}

export function javaScript(marked: string): string {
  return marked
    .replace(MARKED_LINE, "")
    .replace(MARKED, "")
    .replace(/\n{3,}/g, "\n\n")
    .replace(/^\n+/, "");
}

/** `lines` indented by `depth` levels of two spaces (empty lines stay empty). */
export function indent(lines: readonly string[], depth = 1): string[] {
  const pad = "  ".repeat(depth);
  return lines.flatMap((l) => l.split("\n")).map((l) => (l === "" ? "" : pad + l));
}

/** A JSDoc block of one or more lines. */
export function doc(text: string): string {
  const lines = text.split("\n");
  if (lines.length === 1) return `/** ${lines[0]} */`;
  return ["/**", ...lines.map((l) => (l ? ` * ${l}` : " *")), " */"].join("\n");
}

export interface FunctionText {
  readonly name: string;
  readonly exported?: boolean;
  readonly doc?: string;
  readonly params: readonly (readonly [name: string, type: string])[];
  readonly returns: string;
  readonly body: readonly string[];
}

/** A function declaration, typed in TypeScript, plain in JavaScript. */
export function functionText(f: FunctionText): string {
  const params = f.params.map(([n, t]) => `${n}${ty(`: ${t}`)}`).join(", ");
  const head = `${f.exported ? "export " : ""}function ${f.name}(${params})${ty(`: ${f.returns}`)} {`;
  return [...(f.doc ? [doc(f.doc)] : []), head, ...indent(f.body), "}"].join("\n");
}

/** `import { a, b } from "m";` — a type-only import is a TypeScript-only line. */
export function importText(names: readonly string[], from: string, typeOnly = false): string {
  const line = `import ${typeOnly ? "type " : ""}{ ${names.join(", ")} } from ${JSON.stringify(from)};`;
  return typeOnly ? tyLine(line) : line;
}

/** Joins module parts with one blank line between them; TypeScript-only parts vanish cleanly from JS. */
export function moduleText(parts: readonly string[]): string {
  return `${parts.filter((p) => p !== "").join("\n\n")}\n`;
}
