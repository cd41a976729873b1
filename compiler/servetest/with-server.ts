/**
 * Runs `fn` against the project's generated server, started as its own process on a free
 * loopback port with the prepared model; the server is always stopped by its PID and the
 * temporary model removed, whatever `fn` does.
 */
import { join } from "node:path";
import { freeLoopbackPort } from "./free-port.js";
import type { Prepared } from "./prepare.js";
import { startServerProcess, type ServerProcess } from "./server-process.js";

/** Model load + warm-up; generous because CI machines are slow and share two cores. */
const READY_TIMEOUT_MS = 60_000;

export async function withServer<T>(prepared: Prepared, fn: (server: ServerProcess) => Promise<T>): Promise<T> {
  const { ir } = prepared;
  const port = await freeLoopbackPort();
  const server = startServerProcess({
    mainJs: join(prepared.projectOut, "serve", "main.js"),
    cwd: prepared.root,
    port,
    env: { ...prepared.modelEnv, MESH_LOG_LEVEL: "warn" },
  });
  try {
    try {
      await server.waitReady(`${ir.serve.api.basePath}/ready`, READY_TIMEOUT_MS);
    } catch (err) {
      const tail = server.logTail();
      throw new Error(`${err instanceof Error ? err.message : String(err)}${tail ? `; server output:\n${tail}` : ""}`);
    }
    return await fn(server);
  } finally {
    await server.stop(Math.min(ir.serve.drainMs, 10_000) + 2_000);
    prepared.cleanup();
  }
}
