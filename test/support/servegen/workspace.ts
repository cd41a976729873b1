/**
 * A throw-away mesh workspace for end-to-end tests of `mesh test` / `mesh load`: a folder
 * under `<repo>/.mesh/tmp/` (inside the package, so generated servers resolve
 * `mesh/runtimes/…` exactly as under the repository's own out/), with a mesh.yaml, specs
 * and model files. The CLI runs from dist/ (built by `npm ci`; built here when absent).
 */
import { execFile } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { stringify } from "yaml";
import { REPO } from "./fixtures.js";

const run = promisify(execFile);

/** Builds dist/ when the CLI or the server library is missing from it. */
export async function ensureBuilt(): Promise<void> {
  const needed = ["dist/compiler/cli/main.js", "dist/compiler/servetest/prepare.js", "dist/runtimes/serve/index.js", "dist/runtimes/serve/request-contract.js", "dist/runtimes/features/index.js"];
  if (needed.every((p) => existsSync(join(REPO, p)))) return;
  await run("npm", ["run", "build"], { cwd: REPO, env: { ...process.env, npm_config_loglevel: "error" } }).catch((err: unknown) => {
    // tsc exits non-zero on type errors elsewhere in the tree but still emits; what matters is dist/.
    if (!needed.every((p) => existsSync(join(REPO, p)))) throw err;
  });
}

export interface Workspace {
  readonly root: string;
  write(rel: string, contents: string | Uint8Array): void;
  writeSpec(name: string, spec: Record<string, unknown>): void;
  copy(from: string, rel: string): void;
  /** Runs `node bin/mesh.js …args` in the workspace; never throws on a non-zero exit. */
  mesh(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }>;
  remove(): void;
}

export function createWorkspace(): Workspace {
  const base = join(REPO, ".mesh", "tmp");
  mkdirSync(base, { recursive: true });
  const root = mkdtempSync(join(base, "servegen-ws-"));
  const write = (rel: string, contents: string | Uint8Array) => {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), contents);
  };
  write("mesh.yaml", "apiVersion: mesh/v1\nkind: Workspace\n");
  return {
    root,
    write,
    writeSpec: (name, spec) => write(`projects/${name}/project.yaml`, stringify(spec)),
    copy: (from, rel) => {
      mkdirSync(dirname(join(root, rel)), { recursive: true });
      copyFileSync(from, join(root, rel));
    },
    async mesh(...args) {
      const env: NodeJS.ProcessEnv = {};
      for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("MESH_")) env[k] = v;
      try {
        const { stdout, stderr } = await run(process.execPath, [join(REPO, "bin", "mesh.js"), ...args], { cwd: root, env, timeout: 120_000 });
        return { code: 0, stdout, stderr };
      } catch (err) {
        const e = err as { code?: number; stdout?: string; stderr?: string };
        return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
      }
    },
    remove: () => rmSync(root, { recursive: true, force: true }),
  };
}
