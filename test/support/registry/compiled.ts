/**
 * Child processes cannot import TypeScript, so suites that race or crash real processes
 * compile runtimes/registry alone (tsc, into the git-ignored .vitest-tmp/) and run small
 * scripts against the JavaScript. Only the registry is compiled, so others' work in progress
 * elsewhere in the tree cannot break these tests.
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const repo = fileURLToPath(new URL("../../../", import.meta.url));

export interface CompiledRegistry {
  /** Absolute path of the compiled runtimes/registry/index.js. */
  readonly entry: string;
  readonly dir: string;
  remove(): Promise<void>;
}

export async function compileRegistry(): Promise<CompiledRegistry> {
  const dir = join(repo, ".vitest-tmp", `registry-${process.pid}-${Date.now()}`);
  await mkdir(dir, { recursive: true });
  const tsconfig = join(dir, "tsconfig.json");
  await writeFile(
    tsconfig,
    JSON.stringify({
      extends: join(repo, "tsconfig.json"),
      compilerOptions: { outDir: join(dir, "out"), rootDir: repo, noEmit: false, noEmitOnError: false },
      include: [join(repo, "runtimes/registry")],
      exclude: [],
    }),
  );
  const tsc = join(repo, "node_modules", ".bin", "tsc");
  await promisify(execFile)(tsc, ["-p", tsconfig], { cwd: repo }).catch((err: { stdout?: string; stderr?: string }) => {
    // Type errors still emit JavaScript; only a missing output is fatal.
    if (!existsSync(join(dir, "out", "runtimes", "registry", "index.js"))) throw new Error(`tsc failed: ${err.stdout ?? ""}${err.stderr ?? ""}`);
  });
  return {
    entry: join(dir, "out", "runtimes", "registry", "index.js"),
    dir,
    remove: () => rm(dir, { recursive: true, force: true }),
  };
}
