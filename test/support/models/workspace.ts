/** Temp workspaces for model-source tests: a folder with files, removed after the test file. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createHash } from "node:crypto";
import { afterAll } from "vitest";

const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp folder (real path, so symlink checks compare like with like) holding `files`. */
export function tempDir(files: Record<string, string | Uint8Array> = {}): string {
  const root = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), "mesh-models-")));
  made.push(root);
  for (const [rel, contents] of Object.entries(files)) write(root, rel, contents);
  return root;
}

export function write(root: string, rel: string, contents: string | Uint8Array): string {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, contents);
  return p;
}

export const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest("hex");

/** Collects log lines. */
export function collector(): { lines: string[]; log: (l: string) => void } {
  const lines: string[] = [];
  return { lines, log: (l) => lines.push(l) };
}
