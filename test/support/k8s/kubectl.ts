/**
 * Writes generated files to a temporary folder and renders kustomizations with `kubectl
 * kustomize` (Kustomize built into kubectl; fully offline). kubectl is a required tool of this
 * suite: without it the overlay tests fail with a message saying so, they do not skip.
 */
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import type { GeneratedFile } from "../../../compiler/ir.js";

const trees: string[] = [];

/** Removes every folder writeTree made (call from afterAll). */
export function removeTrees(): void {
  for (const d of trees.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

export function writeTree(files: readonly GeneratedFile[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-k8s-"));
  trees.push(dir);
  for (const f of files) {
    const p = path.join(dir, f.path);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, f.contents);
  }
  return dir;
}

function failure(dir: string, err: unknown): Error {
  const e = err as { code?: string; stderr?: string; message: string };
  if (e.code === "ENOENT") return new Error("kubectl is needed by test/generators/k8s (Kustomize rendering): install it (apt-get install kubectl)");
  return new Error(`kubectl kustomize ${dir} failed: ${e.stderr ?? e.message}`);
}

export function kustomize(dir: string): Record<string, unknown>[] {
  let out: string;
  try {
    out = execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    throw failure(dir, err);
  }
  return documents(out);
}

/** Renders several kustomizations concurrently (kubectl start-up dominates each call). */
export async function kustomizeAll(dirs: readonly string[]): Promise<Record<string, unknown>[][]> {
  const run = promisify(execFile);
  return Promise.all(
    dirs.map(async (dir) => {
      try {
        return documents((await run("kubectl", ["kustomize", dir], { encoding: "utf8" })).stdout);
      } catch (err) {
        throw failure(dir, err);
      }
    }),
  );
}

function documents(out: string): Record<string, unknown>[] {
  return parseAllDocuments(out).map((d) => {
    if (!("toJS" in d)) throw new Error("kubectl kustomize printed an empty document stream");
    return d.toJS() as Record<string, unknown>;
  });
}
