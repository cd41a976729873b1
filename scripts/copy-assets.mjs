// Copies non-TypeScript assets the compiled code reads at run time (Handlebars templates, and
// the Python programs it runs, e.g. runtimes/neuron/transformer/*.py) from the source tree into
// dist/, keeping their relative paths.
import { cpSync, existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const roots = ["generators", "runtimes", "compiler"];
function walk(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (!statSync(p).isDirectory()) {
      if (name.endsWith(".py")) cpSync(p, join("dist", p));
      continue;
    }
    // templates/: Handlebars; static/: pages a runtime serves (the registry browser).
    if (name === "templates" || name === "static") cpSync(p, join("dist", p), { recursive: true });
    else walk(p);
  }
}
for (const r of roots) if (existsSync(r)) walk(r);
