/**
 * User-facing build errors: one clear sentence (plus, for a failing build step, the tail of
 * its log as detail). The CLI prints `mesh: <message>` and exits 1; no stack traces.
 */
export class BuildError extends Error {
  constructor(
    message: string,
    /** Extra lines shown under the sentence (e.g. the failing step's log tail). */
    readonly detail?: string,
  ) {
    super(message);
    this.name = "BuildError";
  }
}

/** Where the engine is expected, as the user would write it. */
export function dockerHostLabel(env: NodeJS.ProcessEnv = process.env): string {
  return env.DOCKER_HOST && env.DOCKER_HOST.trim() !== "" ? env.DOCKER_HOST : "unix:///var/run/docker.sock";
}

/** The one sentence for "no daemon". */
export function noDaemonMessage(env: NodeJS.ProcessEnv = process.env): string {
  return `no Docker engine answers at ${dockerHostLabel(env)}: start one (as root: \`dockerd >/var/log/dockerd.log 2>&1 &\`, or \`systemctl start docker\`) or point DOCKER_HOST at a running engine, then run the command again.`;
}

/** Connection-level failures (as opposed to an engine that answered with an error). */
export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" && ["ENOENT", "ECONNREFUSED", "ECONNRESET", "EACCES", "EPERM", "ETIMEDOUT", "EHOSTUNREACH", "ENOTFOUND", "EPIPE"].includes(code);
}
