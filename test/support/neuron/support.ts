/**
 * Helpers of the Neuron tests: the Python that has torch (PYTHON, else Debian's), running
 * it and the static checkers, and writing generated files into a scratch folder.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { GeneratedFile } from "../../../compiler/ir.js";
import { resolvePython } from "../../../runtimes/neuron/python-env.js";

const exec = promisify(execFile);

export const PYTHON = resolvePython();
export const REPO = path.resolve(import.meta.dirname, "../../..");

export interface Ran {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a program; never throws for a non-zero exit (the code is returned). */
export async function run(cmd: string, args: readonly string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): Promise<Ran> {
  try {
    const r = await exec(cmd, [...args], { cwd: opts.cwd, env: opts.env ?? process.env, timeout: opts.timeout ?? 120_000, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code?: number | string; stdout?: string; stderr?: string };
    return { code: typeof e.code === "number" ? e.code : -1, stdout: e.stdout ?? "", stderr: e.stderr ?? String(err) };
  }
}

export function scratch(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `mesh-neuron-${prefix}-`));
}

/** Writes generated files under `dir` with their modes. */
export function writeFiles(dir: string, files: readonly GeneratedFile[]): void {
  for (const f of files) {
    const p = path.join(dir, f.path);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, f.contents, { mode: f.mode });
  }
}
