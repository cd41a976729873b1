#!/usr/bin/env node
// The `mesh` command. The CLI is TypeScript compiled to dist/ by `npm ci` (the prepare script).
try {
  await import("../dist/compiler/cli/main.js");
} catch (err) {
  if (err && err.code === "ERR_MODULE_NOT_FOUND" && String(err.message).includes("dist/compiler/cli/main.js")) {
    console.error("mesh: the CLI is not built yet. Run `npm ci` (or `npm run build`) in the repository root first.");
    process.exit(2);
  }
  throw err;
}
