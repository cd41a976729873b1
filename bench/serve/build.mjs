// Compiles the bench's TypeScript entries (models, our server over the bench definitions)
// with the repo's tsconfig into node_modules/.cache/mesh-bench, so packages resolve from there.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

export const ROOT = resolve(import.meta.dirname, "../..");
export const OUT = join(ROOT, "node_modules/.cache/mesh-bench");
const ENTRIES = ["bench/serve/make-models.ts", "bench/serve/our-server.ts"];

export function buildBench() {
  mkdirSync(OUT, { recursive: true });
  const tsconfig = join(OUT, "tsconfig.json");
  writeFileSync(
    tsconfig,
    JSON.stringify({ extends: join(ROOT, "tsconfig.json"), compilerOptions: { noEmit: false, outDir: OUT, rootDir: ROOT }, files: ENTRIES.map((e) => join(ROOT, e)), include: [] }),
  );
  try {
    execFileSync(join(ROOT, "node_modules/.bin/tsc"), ["-p", tsconfig], { stdio: "pipe" });
  } catch (err) {
    for (const e of ENTRIES) if (!existsSync(join(OUT, e.replace(/\.ts$/, ".js")))) throw new Error(`bench build failed: ${err.stdout ?? err}`);
  }
  return Object.fromEntries(ENTRIES.map((e) => [e.split("/").pop().replace(/\.ts$/, ""), join(OUT, e.replace(/\.ts$/, ".js"))]));
}

if (process.argv[1] === import.meta.filename) console.log(JSON.stringify(buildBench()));
