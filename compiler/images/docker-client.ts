/**
 * The one way mesh gets a Docker client: dockerode configured from DOCKER_HOST (unix socket
 * or tcp), checked with a bounded ping, so "no engine" is one sentence instead of a hang or
 * a stack trace.
 */
import Docker from "dockerode";
import { BuildError, isConnectionError, noDaemonMessage } from "./errors.js";

/** Creates a client from DOCKER_HOST (dockerode's own parsing) and pings it. */
export async function connectDocker(env: NodeJS.ProcessEnv = process.env, timeoutMs = 5000): Promise<Docker> {
  let docker: Docker;
  try {
    docker = new Docker(dockerOptions(env));
  } catch {
    throw new BuildError(noDaemonMessage(env));
  }
  const timeout = new Promise<never>((_, reject) => {
    const t = setTimeout(() => reject(Object.assign(new Error("ping timed out"), { code: "ETIMEDOUT" })), timeoutMs);
    t.unref();
  });
  try {
    await Promise.race([docker.ping(), timeout]);
  } catch (err) {
    if (isConnectionError(err) || (err as Error).message === "ping timed out") throw new BuildError(noDaemonMessage(env));
    throw new BuildError(`the Docker engine at ${env.DOCKER_HOST ?? "unix:///var/run/docker.sock"} answered the ping with an error: ${(err as Error).message}`);
  }
  return docker;
}

function dockerOptions(env: NodeJS.ProcessEnv): Docker.DockerOptions {
  const host = env.DOCKER_HOST?.trim();
  if (!host) return { socketPath: "/var/run/docker.sock" };
  if (host.startsWith("unix://")) return { socketPath: host.slice("unix://".length) };
  const url = new URL(host.replace(/^tcp:/, "http:"));
  return { host: url.hostname, port: Number(url.port || 2375), protocol: "http" };
}

/** Whether an image reference exists locally; its inspect data when it does. */
export async function inspectImage(docker: Docker, ref: string): Promise<Docker.ImageInspectInfo | undefined> {
  try {
    return await docker.getImage(ref).inspect();
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    if (isConnectionError(err)) throw new BuildError(noDaemonMessage());
    throw err;
  }
}
