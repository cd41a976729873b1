/**
 * `MESH_WORKERS > 1`: one node:cluster worker per core, each with its own onnxruntime
 * session (session.run blocks its event loop, so one process cannot use a second core).
 * Workers share the listening socket and accept from it themselves; the primary only
 * supervises: it restarts a worker that dies, and on SIGTERM/SIGINT forwards SIGTERM so every
 * worker drains, then exits 0.
 */
import cluster, { type Worker } from "node:cluster";
import type { ServeConfig } from "./config.js";
import type { Logger } from "./logger.js";

/** Resolves with the process exit code once every worker has stopped. */
export function runPrimary(config: ServeConfig, log: Logger): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    let readyCount = 0;
    let restarts = 0;
    const fork = (): Worker => {
      const w = cluster.fork();
      w.on("message", (msg: unknown) => {
        if (typeof msg === "object" && msg !== null && (msg as { type?: string }).type === "mesh-ready" && ++readyCount === config.workers) {
          log.info({ url: (msg as { url?: string }).url, workers: config.workers }, "all workers ready");
        }
      });
      return w;
    };
    // Workers accept from the shared listening socket themselves (the kernel's queue), not
    // through the primary's round-robin: that primary accepts every connection at once and
    // holds it until a worker acknowledges the previous one, and when the last worker closes
    // its server on SIGTERM it resets whatever it still holds — requests whose bytes had
    // arrived (measured: 2–8 of 40 per drain). A kernel queue outlives every worker but the
    // last, and the last one's drain accepts it empty. It also gives a connection to a worker
    // that is waiting for work rather than to the next one in turn, busy or not.
    cluster.schedulingPolicy = cluster.SCHED_NONE;
    for (let i = 0; i < config.workers; i++) fork();
    cluster.on("exit", (worker, code, signal) => {
      if (stopping) {
        if (Object.keys(cluster.workers ?? {}).length === 0) resolve(0);
        return;
      }
      // A worker that never got ready (bad model, port in use) would crash-loop: give up.
      if (readyCount === 0 || ++restarts > 10 * config.workers) {
        log.error({ worker: worker.id, code, signal }, "a worker failed; stopping");
        stopping = true;
        for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGTERM");
        if (Object.keys(cluster.workers ?? {}).length === 0) resolve(1);
        else cluster.on("exit", () => Object.keys(cluster.workers ?? {}).length === 0 && resolve(1));
        return;
      }
      log.warn({ worker: worker.id, code, signal }, "worker died; starting a new one");
      fork();
    });
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, "stopping workers");
      for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGTERM");
      // Backstop: a worker stuck past its own drain deadline is killed.
      setTimeout(() => {
        for (const w of Object.values(cluster.workers ?? {})) w?.process.kill("SIGKILL");
      }, config.drainMs + 2_000).unref();
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
}
