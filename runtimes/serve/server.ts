/**
 * `startServer(definition, config)`: node:http (measured against Fastify in bench/serve:
 * the framework and its JSON parser cost more than the model on wide inputs, and its import
 * alone ~58 ms of cold start), bound exactly where told. It listens first so `/live` answers
 * while the model loads; `/ready` turns 200 only after the model loaded and a zero-batch
 * warm-up passed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { ServiceDefinition, TensorServiceDefinition } from "./definition.js";
import type { TransformerServing } from "../transformers/config.js";
import { openTransformer } from "../transformers/open.js";
import type { ServeConfig } from "./config.js";
import { Router } from "./http-router.js";
import { rowWidth, type ServerContext, type ServerState } from "./context.js";
import { sendError, type Exchange, type Finish } from "./respond.js";
import { ServerMetrics } from "./metrics.js";
import { createLogger, requestId, type Logger } from "./logger.js";
import { addV1Routes } from "./routes-v1.js";
import { addV2Routes } from "./routes-v2.js";
import { addOpsRoutes } from "./routes-ops.js";
import { loadModelInfo } from "./model-info.js";
import { checkSignature, openSession, warmUp } from "./session.js";
import { Predictor } from "./predictor.js";
import { drain } from "./shutdown.js";

export interface StartOptions {
  /** A logger to use instead of pino on stdout (tests). */
  readonly logger?: Logger;
  /** Awaited after warm-up, before readiness turns 200 (tests observe the not-ready window). */
  readonly beforeReady?: () => Promise<void>;
}

export interface ServerHandle {
  readonly host: string;
  readonly port: number;
  /** `http://host:port` (IPv6 hosts bracketed). */
  readonly url: string;
  readonly server: Server;
  readonly context: ServerContext;
  /** Resolves when ready (rejects if loading or warm-up failed; the server is then closed). */
  readonly ready: Promise<void>;
  /** Graceful drain within `config.drainMs`, then close. Idempotent. */
  close(): Promise<"drained" | "forced">;
}

/** Starts listening, then loads the model; await `handle.ready` for readiness. */
export async function startServer(definition: ServiceDefinition, config: ServeConfig, options: StartOptions = {}): Promise<ServerHandle> {
  const log = options.logger ?? createLogger(config.logLevel, definition.name);
  const model = loadModelInfo(config.modelPath, config.modelCard);
  const state: ServerState = { loaded: false, draining: false };
  let inflight = 0;
  let idleWaiters: (() => void)[] = [];
  const debug = log.isLevelEnabled("debug");
  let ctx: ServerContext;
  const metrics = new ServerMetrics(
    { name: definition.name, version: model.version, specHash: definition.specHash ?? "" },
    () => ctx.queuedRows?.() ?? ctx.predictor?.queuedRows ?? 0,
    () => state.loaded && !state.draining,
  );
  const finish: Finish = (ex, status, code) => {
    const seconds = (performance.now() - ex.start) / 1000;
    metrics.request(ex.route, status, seconds);
    if (status >= 400) metrics.error(code ?? String(status));
    if (debug) log.debug({ reqId: ex.id, method: ex.req.method, route: ex.route, status, ms: Math.round(seconds * 1e5) / 100 }, "request");
    if (--inflight === 0 && idleWaiters.length > 0) for (const w of idleWaiters.splice(0)) w();
  };
  ctx = { definition, config, model, state, metrics, log, finish };
  const router = new Router();
  addV1Routes(router, ctx);
  addV2Routes(router, ctx);
  addOpsRoutes(router, ctx);

  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    inflight++;
    const ex: Exchange = { req, res, id: requestId(req.headers["x-request-id"]), start: performance.now(), route: "unmatched", answered: false, server: state };
    const m = router.match(req.method, req.url);
    try {
      if (m.kind === "ok") {
        ex.route = m.label;
        m.handler(ex);
      } else if (m.kind === "not_found") {
        sendError(ex, 404, "not_found", "no such route; see the docs page under /<name>/v1/docs", finish);
      } else {
        ex.route = m.label;
        sendError(ex, 405, "method_not_allowed", `use ${m.allow} for this route`, finish, undefined, { allow: m.allow });
      }
    } catch (err) {
      log.error({ err, reqId: ex.id, route: ex.route }, "request handler failed");
      sendError(ex, 500, "internal", "the server failed to handle this request", finish);
    }
  };
  const server = createServer({ keepAliveTimeout: 65_000 }, onRequest);
  // Our own timers answer slow bodies (408) and queue waits (504) with JSON; node's are a backstop.
  server.requestTimeout = config.timeoutMs + 5_000;
  server.headersTimeout = Math.min(60_000, server.requestTimeout);
  server.on("clientError", (err: NodeJS.ErrnoException, socket) => {
    // Errors the HTTP parser raises before a request exists: still a JSON 4xx, never a crash.
    const [status, reason, code, detail] =
      err.code === "HPE_HEADER_OVERFLOW"
        ? [431, "Request Header Fields Too Large", "headers_too_large", "the request headers are too large"]
        : err.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? [408, "Request Timeout", "request_timeout", "the request did not arrive in time"]
          : [400, "Bad Request", "bad_request", "malformed HTTP request"];
    if (socket.writable && !socket.destroyed) {
      const body = JSON.stringify({ errors: [{ status: String(status), code, detail }] });
      socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`);
    } else socket.destroy();
    if (err.code !== "ECONNRESET") log.warn({ code: err.code }, "client error");
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: config.host, port: config.port, exclusive: false }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === "IPv6" ? `[${address.address}]` : address.address;

  let closing: Promise<"drained" | "forced"> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const outcome = await drain(
        {
          server,
          inflight: () => inflight,
          idle: () => ctx.idle?.() ?? ctx.predictor?.idle() ?? Promise.resolve(),
          onIdle: (cb) => idleWaiters.push(cb),
          markDraining: () => {
            state.draining = true;
          },
        },
        config.drainMs,
      );
      await ctx.session?.release().catch(() => undefined);
      return outcome;
    })());

  const ready = (async () => {
    if (definition.transformer) await loadTransformer(ctx, definition.transformer, metrics, log);
    else await loadTensorModel(ctx, definition);
    if (options.beforeReady) await options.beforeReady();
    state.loaded = true;
  })();
  ready.catch(async (err: unknown) => {
    log.error({ err: err instanceof Error ? err.message : String(err) }, "the model could not be loaded");
    await close();
  });

  return { host: address.address, port: address.port, url: `http://${hostForUrl}:${address.port}`, server, context: ctx, ready, close };
}

/** A model over tensors: signature checked against the definition, zero-batch warm-up, then the batching predictor. */
async function loadTensorModel(ctx: ServerContext, definition: TensorServiceDefinition): Promise<void> {
  const { config, metrics, log } = ctx;
  if (config.engine === "torch") throw new Error("MESH_ENGINE=torch serves traced transformer folders (model.pt); this service runs its ONNX model with onnxruntime");
  const session = await openSession(config.modelPath, config);
  const problem = checkSignature(definition.inputs, session.inputs, "input") ?? checkSignature(definition.outputs, session.outputs, "output");
  if (problem) throw new Error(`the model ${config.modelPath} does not match the service definition: ${problem}`);
  await warmUp(session, definition.inputs);
  ctx.session = session;
  // Several inputs, or a dynamic dimension other than the batch: every request is its own model call.
  if (definition.inputs.length > 1 || definition.inputs.some((t) => t.shape.slice(1).some((d) => d < 0))) return;
  const input = definition.inputs[0]!;
  ctx.predictor = new Predictor(
    session,
    { inputName: input.name, width: rowWidth(input.shape), rowDims: input.shape.slice(1), batching: config.batchEnabled, maxBatch: config.batchMax, maxDelayMs: config.batchDelayMs, queueRows: config.queueRows },
    metrics,
    log,
  );
}

/** A transformer folder: checked against the task, tokenizer and session loaded, one real request answered before ready. */
async function loadTransformer(ctx: ServerContext, serving: TransformerServing, metrics: ServerMetrics, log: Logger): Promise<void> {
  const { config, definition } = ctx;
  const opened = await openTransformer(
    config.modelPath,
    serving,
    { ...config, batching: config.batchEnabled, maxBatch: config.batchMax, maxDelayMs: config.batchDelayMs, queueRows: config.queueRows, expectLabels: definition.labels },
    metrics,
    log,
  );
  ctx.session = opened.session;
  ctx.queuedRows = () => opened.runner.queuedRows;
  ctx.idle = () => opened.runner.idle();
  await opened.pipeline.predict({ rows: [{ [serving.input]: "mesh warm-up: the model answers before the server is ready." }], parameters: {}, batch: false }, Number.POSITIVE_INFINITY);
  ctx.pipeline = opened.pipeline;
}
