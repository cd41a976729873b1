/**
 * The one reader of the files mesh ships beside its code and copies into out/ or runs in place:
 * Handlebars templates, the Python programs, the client runtime. Each is a real file in the
 * source tree (so py_compile, pyflakes and tsc check it where it lives) and in dist/
 * (scripts/copy-assets.mjs copies it there). Read once per process, at first use.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const texts = new Map<string, string>();

/** The text of the asset at `relPath` from `base` (the caller's `import.meta.url`). */
export function readAsset(base: string, relPath: string): string {
  const url = new URL(relPath, base).href;
  let text = texts.get(url);
  if (text === undefined) {
    try {
      text = readFileSync(new URL(url), "utf8");
    } catch (err) {
      throw new Error(`${fileURLToPath(url)} is missing from the mesh installation (${(err as NodeJS.ErrnoException).code ?? "unreadable"}); rebuild with npm run build`);
    }
    texts.set(url, text);
  }
  return text;
}
