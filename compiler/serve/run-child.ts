/**
 * Runs the generated server (`node out/<name>/serve/main.js`) as a child: its JSON logs pass
 * through to stdout, the URL is printed once it is ready, SIGINT/SIGTERM are forwarded once
 * (the child drains), and its exit code becomes ours. The child also watches us: should mesh
 * die without forwarding anything (SIGKILL, a crash), the server stops itself the same way.
 */
import { spawn, type ChildProcess } from "node:child_process";

/**
 * Preloaded into the server (`node --import`): once its parent — this mesh process — is gone
 * (`process.ppid` changed), it sends itself the SIGTERM mesh can no longer forward, drains and
 * exits. Checked 4 times a second; the timer never keeps the server alive.
 */
export const PARENT_GUARD = `data:text/javascript,${encodeURIComponent(
  'const p=process.ppid;const t=setInterval(()=>{if(process.ppid!==p){clearInterval(t);process.kill(process.pid,"SIGTERM")}},250);t.unref();',
)}`;

export interface RunChildOptions {
  readonly mainJs: string;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Called with the server's URL once its "ready" log line appears. */
  readonly onReady: (url: string) => void;
  readonly out?: NodeJS.WritableStream;
  /** Aborting sends SIGTERM to the server (embedding and tests stop it this way). */
  readonly signal?: AbortSignal;
  /** Starts the server process (stdout piped) instead of spawning `node main.js`, or returns undefined to let it spawn (mesh dev's warm spare). */
  readonly launch?: (mainJs: string, env: NodeJS.ProcessEnv) => ChildProcess | undefined;
}

export function runChild(opts: RunChildOptions): Promise<number> {
  const out = opts.out ?? process.stdout;
  const child = opts.launch?.(opts.mainJs, opts.env) ?? spawn(process.execPath, ["--import", PARENT_GUARD, opts.mainJs], { cwd: opts.cwd, env: opts.env, stdio: ["ignore", "pipe", "inherit"] });
  let buf = "";
  let announced = false;
  child.stdout!.on("data", (chunk: Buffer) => {
    out.write(chunk);
    if (announced) return;
    buf += chunk.toString("utf8");
    let i;
    while (!announced && (i = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try {
        const parsed = JSON.parse(line) as { msg?: string; url?: string };
        if ((parsed.msg === "ready" || parsed.msg === "all workers ready") && parsed.url) {
          announced = true;
          buf = "";
          opts.onReady(parsed.url);
        }
      } catch {
        // not a JSON line: passed through as is
      }
    }
  });
  let forwarded = false;
  const forward = (signal: NodeJS.Signals) => {
    if (forwarded) return;
    forwarded = true;
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  process.on("SIGINT", forward);
  process.on("SIGTERM", forward);
  const onAbort = () => forward("SIGTERM");
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  return new Promise((resolve) => {
    child.on("error", () => resolve(1));
    child.on("exit", (code, signal) => {
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      opts.signal?.removeEventListener("abort", onAbort);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}
