/**
 * Quoting for Dockerfile values. Docker parses a Dockerfile line by line and expands `$VAR`
 * inside double-quoted words, so free text is reduced to one line (control characters become
 * spaces, bidi controls are dropped: generators/support/text.ts) and `\`, `"` and `$` are
 * escaped: the result is one inert word that reads back as the same text (minus line breaks
 * and bidi controls) in `docker image inspect`.
 */
import { flattenText, hasUnsafeChars } from "./text.js";

/** Longest label value we write; a description is documentation, not a payload. */
export const MAX_LABEL_CHARS = 512;

/** Free text → a single line without control or bidi characters, trimmed and bounded. */
export function oneLine(text: string, max = MAX_LABEL_CHARS): string {
  const flat = flattenText(text).replace(/ {2,}/g, " ").trim();
  return [...flat].slice(0, max).join("");
}

/** A double-quoted Dockerfile word holding `text` literally (after `oneLine`). */
export function quoteWord(text: string): string {
  return `"${oneLine(text).replace(/[\\"$]/g, (c) => `\\${c}`)}"`;
}

/** Exec-form argument list (JSON array), e.g. `["node","serve/main.js"]`. */
export function execForm(argv: readonly string[]): string {
  // Exec form never reaches a shell and Docker does not expand variables inside it; the
  // arguments are generated (never free text), so a line break here is a generator bug.
  for (const a of argv) if (hasUnsafeChars(a)) throw new Error(`control character in exec argument: ${JSON.stringify(a)}`);
  return JSON.stringify(argv);
}

/** `${NAME}` reference to a build ARG; NAME must be an upper-case identifier. */
export function argRef(name: string): string {
  if (!/^[A-Z][A-Z0-9_]*$/.test(name)) throw new Error(`not an ARG name: ${name}`);
  return `\${${name}}`;
}
