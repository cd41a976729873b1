/**
 * The real app.py as a child process of a test: started in a server folder (staged, or a
 * generated `out/<name>/serve-neuron/`) on a free
 * loopback port with exactly the MESH_* variables given (none inherited from the test's own
 * environment), ready once /ready answers 200, stopped by its PID.
 */
import { spawn } from "node:child_process";
import type { ProjectIR } from "../../../compiler/ir.js";
import { freeLoopbackPort } from "../../../compiler/servetest/free-port.js";
import type { StagedServer } from "./staged-server.js";
import { PYTHON } from "./support.js";

export interface AppProcess {
  readonly port: number;
  /** http://127.0.0.1:<port>: the V2 routes and /metrics live here. */
  readonly root: string;
  /** http://127.0.0.1:<port><basePath> */
  readonly url: string;
  /** stdout and stderr so far. */
  readonly log: () => string;
  /** The exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Sends a signal to app.py (by its PID). */
  readonly signal: (sig: NodeJS.Signals) => void;
  /** SIGTERM, then SIGKILL if it is still running after 10 s; resolves once it has exited. */
  readonly stop: () => Promise<void>;
}

export async function startAppPy(ir: ProjectIR, staged: Pick<StagedServer, "serverDir" | "modelDir">, mesh: Readonly<Record<string, string>> = {}): Promise<AppProcess> {
  const port = await freeLoopbackPort();
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("MESH_")));
  // --host/--port win over MESH_HOST/MESH_PORT, so a ConfigMap's values can be passed as they are.
  const child = spawn(PYTHON, ["-B", "app.py", "--host", "127.0.0.1", "--port", String(port), "--model-dir", staged.modelDir], {
    cwd: staged.serverDir,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...inherited, PYTHONDONTWRITEBYTECODE: "1", ...mesh },
  });
  let log = "";
  child.stdout!.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timer);
  };
  const root = `http://127.0.0.1:${port}`;
  const url = `${root}${ir.serve.api.basePath}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app.py exited with ${child.exitCode}: ${log}`);
    const ok = await fetch(`${url}/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return { port, root, url, log: () => log, exited, signal: (sig) => child.kill(sig), stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`app.py not ready within 90 s: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
