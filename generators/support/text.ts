/**
 * The characters free text and paths must not carry raw into a generated file, and the one
 * way to flatten them. Every escaping helper of a target syntax (comments, Dockerfile words,
 * Markdown) starts from these classes, so "what can break a line or hide text" is said once.
 */

/**
 * Characters that can end a line or act as a control somewhere: C0 controls (tab, LF, CR, …),
 * DEL, C1 controls (NEL U+0085 among them) and the Unicode line and paragraph separators, which
 * JavaScript ends a `//` comment at.
 */
export const LINE_BREAKING = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/**
 * Bidirectional formatting controls: the Arabic letter mark, LRM/RLM, the embeddings and
 * overrides U+202A–U+202E and the isolates U+2066–U+2069. They reorder how the text around them
 * is displayed (CVE-2021-42574, "Trojan Source"), so a reader would not see what a file says.
 */
export const BIDI_CONTROLS = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** True when `text` holds a line-breaking, control or bidi character. */
export function hasUnsafeChars(text: string): boolean {
  return new RegExp(LINE_BREAKING.source).test(text) || new RegExp(BIDI_CONTROLS.source).test(text);
}

/** `text` with bidi controls removed and every line-breaking or control character a space. */
export function flattenText(text: string): string {
  return text.replace(BIDI_CONTROLS, "").replace(LINE_BREAKING, " ");
}

/**
 * Free text made safe for a one-line comment (`#` in Make, shell, YAML, Dockerfiles, Python;
 * `//` in JavaScript): flattened, so it cannot start a new line and become an instruction, nor
 * reorder what a reader sees; trailing backslashes are dropped, because Make continues a
 * comment ending in `\` onto the next line. `#` and `$` need no escaping here: nothing in a
 * comment is expanded. Long text is cut at `max` characters (with an ellipsis).
 */
export function commentText(text: string, max = 160): string {
  let t = flattenText(text).replace(/\s+/g, " ").trim();
  if (t.length > max) t = `${t.slice(0, max - 1).trimEnd()}…`;
  // Backslashes and white space in one pass: stripping only one can expose the other (`x\ \`).
  return t.replace(/[\s\\]+$/, "");
}
