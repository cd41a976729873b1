/**
 * Handlebars, the one way generators render text templates. Templates live beside their
 * generator in `templates/*.hbs` and are logic-free: the generator precomputes a view model;
 * templates only substitute, `each` and `if`. Strict mode turns a missing view-model field
 * into an error instead of an empty string. Escaping is off: none of our outputs are HTML,
 * and each generator quotes values for its own target syntax before rendering.
 *
 * Whole programs that generators copy (the Python server, the client runtime) are assets in
 * the same folders, read verbatim with `asset`, so tools check them where they live.
 *
 * Templates and assets are read once per process, at first use (not per generation), from the
 * source tree or from dist/ (the build copies them there: scripts/copy-assets.mjs).
 */
import Handlebars from "handlebars";
import { readAsset } from "../../runtimes/assets.js";

const cache = new Map<string, Handlebars.TemplateDelegate>();

/**
 * Returns a compiled template. `base` is the caller's `import.meta.url`; `relPath` is relative
 * to it, e.g. `templates/makefile.hbs`.
 */
export function template(base: string, relPath: string): (view: object) => string {
  const url = new URL(relPath, base).href;
  let compiled = cache.get(url);
  if (!compiled) {
    const source = readAsset(url, url);
    compiled = Handlebars.compile(source, { strict: true, noEscape: true, preventIndent: true });
    cache.set(url, compiled);
  }
  const render = compiled;
  return (view) => render(view);
}

/** The text of an asset file, e.g. `asset(import.meta.url, "templates/client-runtime.ts")`. */
export const asset = readAsset;
