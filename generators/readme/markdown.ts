/**
 * Free text as inert Markdown: whatever a spec's description or an example's name holds, it
 * renders as the same plain text — no heading, list, quote, code, link, HTML, table cell break
 * or math. CommonMark lets any ASCII punctuation be backslash-escaped, so escaping is lossless.
 */
import { BIDI_CONTROLS, LINE_BREAKING, flattenText, hasUnsafeChars } from "../support/text.js";

/** Characters that start inline constructs anywhere in a line (and `|`, which splits table cells). */
const INLINE = /[\\`*_[\]<>&~|$!]/g;
function escapeLine(line: string): string {
  // Control characters render as spaces, bidi controls are dropped (generators/support/text.ts).
  let t = flattenText(line)
    .replace(/\s+/g, " ")
    .trim()
    .replace(INLINE, (c) => `\\${c}`);
  // Block starts: heading, list bullets, setext underline, thematic break, quote, ordered list.
  t = t.replace(/^([#+\-=>])/, "\\$1").replace(/^(\d+)([.)])/, "$1\\$2");
  // GitHub-flavoured autolinks (scheme://, www., e-mail addresses): break the pattern, not the text.
  return t
    .replace(/:\/\//g, "\\://")
    .replace(/(www)\./gi, "$1\\.")
    .replace(/@/g, "\\@");
}

/**
 * Multi-line free text as Markdown paragraphs: each line escaped and trimmed (so no line can
 * become an indented code block), blank lines kept as paragraph breaks, at most one in a row.
 */
export function markdownText(text: string): string {
  const lines = text.split(/\r\n|\r|\n|\u2028|\u2029/).map(escapeLine);
  return lines
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/** Free text as one Markdown line (a heading, a table cell): line breaks become spaces. */
export function markdownInline(text: string): string {
  return escapeLine(text.replace(/\r\n|\r|\n|\u2028|\u2029/g, " "));
}

/** A table row from cells that are already Markdown. */
export function tableRow(cells: readonly string[]): string {
  return `| ${cells.join(" | ")} |`;
}

/** Inline code for identifiers and paths; text that could break out of it is escaped instead. */
export function code(text: string): string {
  return text.includes("`") || hasUnsafeChars(text) ? markdownInline(text) : `\`${text}\``;
}

/**
 * JSON text (a request body, a client call) for a README code block: the same JSON value, with
 * every control, line-breaking and bidi character written as a `\uXXXX` escape, so the block
 * shows what is sent and no character reorders or hides the text around it.
 */
export function inertJson(json: string): string {
  const unsafe = new RegExp(`${LINE_BREAKING.source}|${BIDI_CONTROLS.source}`, "g");
  return json.replace(unsafe, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
