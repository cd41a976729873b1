/** Temp workspaces for lifecycle tests: a folder with files, removed after the test file. */
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll } from "vitest";

const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A fresh temp folder holding `files` (relative path → contents). */
export function tempWorkspace(files: Record<string, string | Uint8Array> = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "mesh-lifecycle-"));
  made.push(root);
  for (const [rel, contents] of Object.entries(files)) {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, contents);
  }
  return root;
}

/** Collects log lines. */
export function collector(): { lines: string[]; log: (l: string) => void } {
  const lines: string[] = [];
  return { lines, log: (l) => lines.push(l) };
}
