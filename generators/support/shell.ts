/**
 * Text helpers for the shell contexts generated files put values in. Identifiers from the IR
 * are validated before they get here; these helpers are for everything else (free text, paths)
 * and make it inert wherever it lands. Comments: `commentText` in generators/support/text.ts.
 */

/**
 * Quotes a string as one POSIX shell word: single quotes, with each `'` written as `'\''`.
 * Nothing inside single quotes is special to the shell, so the result is always one literal word.
 */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * A literal as one shell word inside a Make recipe: shell-quoted, then every `$` doubled so
 * Make passes it through unexpanded. Refuses line breaks, which would end the recipe line.
 */
export function recipeWord(text: string): string {
  if (/[\r\n\u0000]/.test(text)) throw new Error(`cannot put a line break into a Makefile recipe: ${JSON.stringify(text)}`);
  return shellQuote(text).replace(/\$/g, () => "$$");
}
