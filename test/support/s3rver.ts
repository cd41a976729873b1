/**
 * A real S3-compatible server (the npm package s3rver) on 127.0.0.1 for tests and benches.
 *
 * It runs in its own child process so its logger and request handling never share the test
 * worker's event loop, and so a test can take the server down (`stop()`) to see what clients
 * do when S3 is unreachable. The child exits by itself when its parent goes away (stdin
 * closes), so a crashed test run never leaves it behind.
 *
 * s3rver checks SigV4 signatures against one built-in key pair, `S3RVER` / `S3RVER`
 * (`credentials` below); any other access key is refused with 403 InvalidAccessKeyId and a
 * wrong secret with 403 SignatureDoesNotMatch. It does NOT enforce conditional writes
 * (`If-None-Match: *`): the registry probes for them and falls back to its bakery protocol.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export interface S3rverHandle {
  /** e.g. http://127.0.0.1:41234 */
  readonly endpoint: string;
  readonly port: number;
  /** The bucket created at start-up. */
  readonly bucket: string;
  readonly region: string;
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  /** The environment a registry client needs to talk to this server (standard AWS variables). */
  readonly env: NodeJS.ProcessEnv;
  /** The server's data folder (buckets live in sub-folders). */
  readonly directory: string;
  readonly pid: number;
  /** Stops the server (by its PID) and removes its data folder unless it was given. Idempotent. */
  stop(): Promise<void>;
}

export interface S3rverOptions {
  readonly bucket?: string;
  /** Default 0: any free port. */
  readonly port?: number;
  /**
   * Data folder to use (and keep on stop), e.g. to restart a server on the same data after
   * taking it down. Default: a fresh temp folder removed on stop.
   */
  readonly directory?: string;
}

// The child: start s3rver on loopback, create the bucket, print the port, exit when stdin closes.
const CHILD = `
const S3rver = require(process.env.S3RVER_MODULE);
const server = new S3rver({
  address: "127.0.0.1",
  port: Number(process.env.S3RVER_PORT),
  silent: true,
  directory: process.env.S3RVER_DIR,
  configureBuckets: [{ name: process.env.S3RVER_BUCKET }],
});
server.run().then((addr) => process.stdout.write("listening " + addr.port + "\\n"), (err) => {
  process.stderr.write(String(err && err.stack || err) + "\\n");
  process.exit(1);
});
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
process.on("SIGTERM", () => process.exit(0));
// s3rver (a test fixture, not our code) can throw outside its request handlers under heavy
// concurrency; report it on stderr and keep serving rather than die under the suite.
process.on("uncaughtException", (err) => process.stderr.write("s3rver: uncaught " + String((err && err.stack) || err) + " "));
`;

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

/** Starts s3rver on 127.0.0.1 (a free port by default) with a fresh temp directory and one bucket. */
export async function startS3rver(options: S3rverOptions = {}): Promise<S3rverHandle> {
  const bucket = options.bucket ?? "mesh-test";
  const owned = options.directory === undefined;
  const directory = options.directory ?? (await mkdtemp(join(tmpdir(), "mesh-s3rver-")));
  const removeDir = () => (owned ? rm(directory, { recursive: true, force: true }) : Promise.resolve());
  const child = spawn(process.execPath, ["-e", CHILD], {
    cwd: repoRoot,
    stdio: ["pipe", "pipe", "pipe"],
    env: {
      ...process.env,
      S3RVER_MODULE: join(repoRoot, "node_modules", "s3rver"),
      S3RVER_PORT: String(options.port ?? 0),
      S3RVER_DIR: directory,
      S3RVER_BUCKET: bucket,
    },
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
  const port = await waitForPort(child, () => stderr).catch(async (err: unknown) => {
    child.kill("SIGKILL");
    await removeDir();
    throw err;
  });
  // An s3rver that dies while tests use it shows up as ECONNREFUSED far from the cause: say why.
  child.once("exit", (code, signal) => {
    if (!stopped) process.stderr.write(`s3rver on port ${port} exited unexpectedly (code ${code}, signal ${signal}): ${stderr.slice(-2000)}\n`);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
  const region = "us-east-1";
  let stopped: Promise<void> | undefined;
  return {
    endpoint,
    port,
    bucket,
    region,
    credentials,
    directory,
    pid: child.pid ?? -1,
    env: {
      AWS_ENDPOINT_URL_S3: endpoint,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    },
    stop: () => (stopped ??= stopChild(child).then(removeDir)),
  };
}

function waitForPort(child: ChildProcess, stderr: () => string): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`s3rver did not start within 20 s: ${stderr()}`)), 20_000);
    const lines = createInterface({ input: child.stdout! });
    lines.on("line", (line) => {
      const m = /^listening (\d+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`s3rver exited with code ${code} before listening: ${stderr()}`));
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  if (child.pid !== undefined) process.kill(child.pid, "SIGTERM");
  const timer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(child.pid, "SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}
