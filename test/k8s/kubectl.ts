/**
 * Writes generated files to a temporary folder and renders kustomizations with `kubectl
 * kustomize` (Kustomize built into kubectl; fully offline). kubectl is a required tool of this
 * suite: without it the overlay tests fail with a message saying so, they do not skip.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { parseAllDocuments } from "yaml";
import type { GeneratedFile } from "../../compiler/ir.js";

export function writeTree(files: readonly GeneratedFile[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-k8s-"));
  for (const f of files) {
    const p = path.join(dir, f.path);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, f.contents);
  }
  return dir;
}

export function kustomize(dir: string): Record<string, unknown>[] {
  let out: string;
  try {
    out = execFileSync("kubectl", ["kustomize", dir], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (err) {
    const e = err as { code?: string; stderr?: string; message: string };
    if (e.code === "ENOENT") throw new Error("kubectl is needed by test/k8s (Kustomize rendering): install it (apt-get install kubectl)");
    throw new Error(`kubectl kustomize ${dir} failed: ${e.stderr ?? e.message}`);
  }
  return parseAllDocuments(out).map((d) => {
    if (!("toJS" in d)) throw new Error("kubectl kustomize printed an empty document stream");
    return d.toJS() as Record<string, unknown>;
  });
}
