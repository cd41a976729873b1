/**
 * Which Python runs the Neuron scripts, and running them. `PYTHON` wins; otherwise
 * Debian's /usr/bin/python3 when it exists (the `python3` on a developer's PATH is often a
 * pyenv build without torch), else `python3`.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";

export function resolvePython(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.PYTHON?.trim();
  if (fromEnv) return fromEnv;
  return fs.existsSync("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
}

export interface PythonRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `python args…` in `cwd` (bounded by `timeoutMs`); never throws for a non-zero exit. */
export function runPython(python: string, args: readonly string[], cwd: string, timeoutMs = 600_000): Promise<PythonRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, [...args], {
      cwd,
      stdio: ["ignore", "pipe", "pipe"],
      // Unbuffered, no .pyc beside the scripts, and no user site to shadow Debian's packages.
      env: { ...process.env, PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1", PYTHONNOUSERSITE: "1" },
      timeout: timeoutMs,
      killSignal: "SIGKILL",
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", (err: NodeJS.ErrnoException) => reject(new Error(err.code === "ENOENT" ? `the Python interpreter ${python} was not found; set PYTHON to one that has torch` : err.message)));
    child.on("close", (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}

/** The last non-empty stderr line: the scripts print their one-sentence reason there. */
export function lastLine(text: string): string {
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean);
  return lines.at(-1) ?? "";
}
