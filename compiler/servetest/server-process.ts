/**
 * A generated server started as its own process (`node out/<name>/serve/main.js`), exactly
 * as users and images run it, on 127.0.0.1. `stop` always ends it by its PID: SIGTERM
 * first (the server drains), SIGKILL when the deadline passes.
 */
import { spawn, type ChildProcess } from "node:child_process";

export interface ServerProcess {
  readonly pid: number;
  readonly baseUrl: string;
  /** The last lines the server wrote to stderr/stdout, for failure messages. */
  logTail(): string;
  /** Resolves once `<base>/ready` answers 200; rejects when the process exits or the time is up. */
  waitReady(readyPath: string, timeoutMs: number): Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs: number): Promise<number | null>;
}

export interface StartOptions {
  readonly mainJs: string;
  readonly cwd: string;
  readonly port: number;
  /** MESH_* settings for the server; every other MESH_* variable of this process is dropped. */
  readonly env: Readonly<Record<string, string>>;
}

const TAIL_BYTES = 4000;

export function startServerProcess(options: StartOptions): ServerProcess {
  // The server refuses unknown MESH_* variables; pass only the ones we mean.
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("MESH_")) env[k] = v;
  Object.assign(env, options.env, { MESH_HOST: "127.0.0.1", MESH_PORT: String(options.port) });
  const child: ChildProcess = spawn(process.execPath, [options.mainJs], { cwd: options.cwd, env, stdio: ["ignore", "pipe", "pipe"] });
  let tail = "";
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString("utf8")).slice(-TAIL_BYTES);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.on("exit", (code, signal) => {
      exitCode = code ?? (signal ? null : 0);
      resolve(exitCode);
    });
    child.on("error", (err) => {
      tail += `\n${err.message}`;
      exitCode = null;
      resolve(null);
    });
  });
  const pid = child.pid ?? -1;
  const baseUrl = `http://127.0.0.1:${options.port}`;

  return {
    pid,
    baseUrl,
    logTail: () => tail.trim(),
    async waitReady(readyPath, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (exitCode !== undefined) throw new Error(`the server exited (code ${exitCode}) before it was ready`);
        try {
          const res = await fetch(baseUrl + readyPath, { signal: AbortSignal.timeout(1000) });
          await res.arrayBuffer();
          if (res.status === 200) return;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`the server was not ready within ${timeoutMs} ms`);
    },
    async stop(graceMs) {
      if (exitCode !== undefined || pid < 0) return exitCode ?? null;
      process.kill(pid, "SIGTERM");
      const timer = setTimeout(() => {
        if (exitCode === undefined) process.kill(pid, "SIGKILL");
      }, graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
