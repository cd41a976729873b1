/**
 * The one CLI command the read-only page offers as text: promoting a version stays a CLI
 * action, so the page shows the exact command, quoted for a POSIX shell.
 */

/** Single-quotes `text` for sh unless it is made only of characters no shell treats specially. */
export function shellQuote(text: string): string {
  if (/^[A-Za-z0-9_./:=@%+,-]+$/.test(text)) return text;
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function promoteCommand(project: string, id: string, registryUri: string): string {
  return ["mesh", "registry", "promote", shellQuote(`${project}/${id}`), "--alias", "production", "--registry", shellQuote(registryUri)].join(" ");
}
