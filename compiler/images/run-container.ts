/**
 * Runs a serve image the way the generated Makefile's `run-serve` does (`docker run -p
 * 127.0.0.1:PORT:<container port>`), for the end-to-end test and the benchmarks: published on
 * loopback only, with a clear sentence when the port is taken, and a stop that reports the
 * exit code and how long the drain took.
 */
import type Docker from "dockerode";
import { BuildError, isConnectionError, noDaemonMessage } from "./errors.js";

export interface RunningContainer {
  readonly id: string;
  readonly port: number;
  /** Sends SIGTERM (what `docker stop` and orchestrators send) and waits for the exit. */
  stop(timeoutMs?: number): Promise<{ exitCode: number; ms: number }>;
  /** Force-removes the container (idempotent). */
  remove(): Promise<void>;
  logs(): Promise<string>;
}

const PORT_TAKEN = /port is already allocated|address already in use|bind: .*in use/i;

export interface RunOptions {
  /** Port the server listens on inside the container (default 8000, the images' MESH_PORT). */
  readonly containerPort?: number;
  readonly env?: readonly string[];
  /** Volume binds, e.g. `/abs/registry:/var/lib/mesh/registry:ro`. */
  readonly binds?: readonly string[];
}

export async function runServeContainer(docker: Docker, image: string, hostPort: number, options: RunOptions = {}): Promise<RunningContainer> {
  const containerPort = options.containerPort ?? 8000;
  let container: Docker.Container;
  try {
    container = await docker.createContainer({
      Image: image,
      Env: [...(options.env ?? [])],
      ExposedPorts: { [`${containerPort}/tcp`]: {} },
      HostConfig: {
        PortBindings: { [`${containerPort}/tcp`]: [{ HostIp: "127.0.0.1", HostPort: String(hostPort) }] },
        ...(options.binds ? { Binds: [...options.binds] } : {}),
      },
    });
  } catch (err) {
    if (isConnectionError(err)) throw new BuildError(noDaemonMessage());
    throw new BuildError(`cannot create a container from ${image}: ${(err as Error).message}`);
  }
  try {
    await container.start();
  } catch (err) {
    await container.remove({ force: true }).catch(() => undefined);
    const message = (err as Error).message;
    if (PORT_TAKEN.test(message)) throw new BuildError(`port ${hostPort} on 127.0.0.1 is already in use: stop what listens there or pick another port`);
    throw new BuildError(`cannot start a container from ${image}: ${message}`);
  }
  return {
    id: container.id,
    port: hostPort,
    async stop(timeoutMs = 30_000) {
      const t0 = Date.now();
      await container.kill({ signal: "SIGTERM" });
      const waited = (await Promise.race([
        container.wait(),
        new Promise((_, reject) => setTimeout(() => reject(new BuildError(`the container did not exit within ${timeoutMs} ms of SIGTERM`)), timeoutMs).unref()),
      ])) as { StatusCode: number };
      return { exitCode: waited.StatusCode, ms: Date.now() - t0 };
    },
    async remove() {
      await container.remove({ force: true }).catch(() => undefined);
    },
    async logs() {
      const buf = (await container.logs({ stdout: true, stderr: true, follow: false })) as unknown as Buffer;
      return demux(buf);
    },
  };
}

/** Docker's multiplexed log stream (8-byte frame headers) → text. */
function demux(buf: Buffer): string {
  const parts: string[] = [];
  let i = 0;
  while (i + 8 <= buf.length) {
    const size = buf.readUInt32BE(i + 4);
    parts.push(buf.subarray(i + 8, i + 8 + size).toString("utf8"));
    i += 8 + size;
  }
  return parts.join("");
}

/** Polls `url` until it answers 200 or `timeoutMs` passes; returns the milliseconds it took. */
export async function waitReady(url: string, timeoutMs = 30_000): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    // A ref'd timer (AbortSignal.timeout's is not): while docker-proxy holds a connection open
    // for a container that is still starting, it is what keeps a script's event loop alive.
    const ac = new AbortController();
    // Short attempts: before the server listens, docker-proxy may accept and then hold the
    // connection, and a long attempt would hide the moment the server became ready.
    const timer = setTimeout(() => ac.abort(), 250);
    try {
      const r = await fetch(url, { signal: ac.signal });
      if (r.ok) return Date.now() - t0;
    } catch {
      // not listening yet
    } finally {
      clearTimeout(timer);
    }
    if (Date.now() - t0 > timeoutMs) throw new BuildError(`${url} was not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
