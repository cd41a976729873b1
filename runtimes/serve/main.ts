/**
 * `runMain(definition, defaults)`: the whole life of a served project's process, called by
 * the generated `out/<name>/serve/main.js`. Reads and validates the `MESH_*` configuration
 * (spec values from the generated code as defaults), fetches the model version when given a
 * registry reference, then serves — in this process, or in `MESH_WORKERS` cluster workers —
 * and drains on SIGTERM/SIGINT, exiting 0.
 */
import cluster from "node:cluster";
import type { ServeDefaults, ServiceDefinition } from "./definition.js";
import { loadConfig, type ServeConfig } from "./config.js";
import { createLogger } from "./logger.js";
import { startServer } from "./server.js";
import { resolveModelRef } from "./model-ref.js";
import { runPrimary } from "./workers.js";
import { markStartup, startupMarks } from "./startup.js";

/** Exit with a one-sentence message (no stack trace): configuration and model problems are user errors. */
function die(message: string): never {
  process.stderr.write(`mesh serve: ${message}\n`);
  process.exit(1);
}

export async function runMain(definition: ServiceDefinition, defaults: ServeDefaults = {}): Promise<void> {
  markStartup("main");
  const loaded = loadConfig(process.env, defaults);
  if (!loaded.ok) die(loaded.message);
  let config: ServeConfig = loaded.config;
  const log = createLogger(config.logLevel, definition.name);
  if (cluster.isPrimary && config.modelRef) {
    try {
      const fetched = await resolveModelRef(definition.name, config.modelRef, config.registry);
      const alias = fetched.alias ?? "";
      config = { ...config, modelPath: fetched.modelPath, modelCard: fetched.cardPath, modelRef: "", modelAlias: alias };
      // Workers read the downloaded copy instead of downloading again.
      process.env["MESH_MODEL_PATH"] = fetched.modelPath;
      process.env["MESH_MODEL_CARD"] = fetched.cardPath;
      process.env["MESH_MODEL_REF"] = "";
      process.env["MESH_MODEL_ALIAS"] = alias;
      log.info({ ref: fetched.id, ...(fetched.alias ? { alias: fetched.alias } : {}), path: fetched.modelPath }, "model version downloaded");
    } catch (err) {
      // The messages say "model reference": mesh serve's --model-ref and --env reach the same code.
      die(`MESH_MODEL_REF: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (cluster.isPrimary && config.workers > 1) {
    const code = await runPrimary(config, log);
    process.exit(code);
  }
  await serveHere(definition, config, log);
}

async function serveHere(definition: ServiceDefinition, config: ServeConfig, log: ReturnType<typeof createLogger>): Promise<void> {
  let handle;
  try {
    handle = await startServer(definition, config, { logger: log });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    die(code === "EADDRINUSE" || code === "EACCES" || code === "EADDRNOTAVAIL" ? `cannot listen on ${config.host}:${config.port}: ${message}` : message);
  }
  const h = handle;
  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (firstSignalAt > 0) {
      // Ctrl-C reaches both `mesh serve` (which forwards it) and this process: a repeat within
      // a second is that echo, not a user asking to skip the drain.
      if (Date.now() - firstSignalAt < 1000) return;
      log.warn({ signal }, "second signal: closing connections now");
      process.exit(0);
    }
    firstSignalAt = Date.now();
    log.info({ signal, drainMs: config.drainMs }, "draining");
    h.close().then(
      (report) => {
        log.info(report, "stopped");
        process.exit(0);
      },
      () => process.exit(0),
    );
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  try {
    await h.ready;
  } catch (err) {
    die(err instanceof Error ? err.message : String(err));
  }
  log.info({ url: h.url, model: h.context.model.version, worker: cluster.isWorker ? cluster.worker?.id : undefined, startupMs: { ...startupMarks(), ready: Math.round(performance.now()) } }, "ready");
  if (cluster.isWorker) process.send?.({ type: "mesh-ready", url: h.url });
}
