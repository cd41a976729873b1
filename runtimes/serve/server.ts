/**
 * `startServer(definition, config)`: node:http (measured against Fastify in bench/serve:
 * the framework and its JSON parser cost more than the model on wide inputs, and its import
 * alone ~58 ms of cold start), bound exactly where told. It listens first so `/live` answers
 * while the model loads; `/ready` turns 200 only after the model loaded and a zero-batch
 * warm-up passed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { ServiceDefinition, TensorServiceDefinition } from "./definition.js";
import type { TransformerServing } from "../transformers/config.js";
import type { ServeConfig } from "./config.js";
import { Router } from "./http-router.js";
import { rowWidth, type ServerContext, type ServerState } from "./context.js";
import { sendError, type Exchange, type Finish } from "./respond.js";
import { ServerMetrics } from "./metrics.js";
import { accessRecord, createLogger, requestId, type Logger } from "./logger.js";
import { addV1Routes } from "./routes-v1.js";
import { addV2Routes } from "./routes-v2.js";
import { addOpsRoutes } from "./routes-ops.js";
import { loadModelInfo } from "./model-info.js";
import { checkSignature, openSession, warmUp } from "./session.js";
import { Predictor } from "./predictor.js";
import { markStartup } from "./startup.js";
import { Connections, drain, type DrainReport } from "./shutdown.js";

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
  /** Graceful drain within `config.drainMs`, then close; says how it went (see shutdown.ts). Idempotent. */
  close(): Promise<DrainReport>;
}

/** Starts listening, then loads the model; await `handle.ready` for readiness. */
export async function startServer(definition: ServiceDefinition, config: ServeConfig, options: StartOptions = {}): Promise<ServerHandle> {
  const log = options.logger ?? createLogger(config.logLevel, definition.name);
  const model = loadModelInfo(config.modelPath, config.modelCard, config.modelAlias);
  const state: ServerState = { loaded: false, draining: false };
  // Requests without an answer yet (the drain's deadline answers them 503), and per connection
  // how many of its requests wait for their answer (pipelining: answers go out in order).
  const unanswered = new Set<Exchange>();
  const pendingOn = new WeakMap<Socket, number>();
  // A parser-level refusal on a connection whose earlier requests are not answered yet waits for them.
  const afterPending = new WeakMap<Socket, () => void>();
  let answered = 0;
  // Decided once: with the access log off, a request pays one boolean test and builds nothing.
  const access = (config.accessLog || log.isLevelEnabled("debug")) && log.isLevelEnabled("info");
  let ctx: ServerContext;
  const metrics = new ServerMetrics(
    { name: definition.name, version: model.version, alias: model.alias ?? "", specHash: definition.specHash ?? "" },
    () => ctx.queuedRows?.() ?? ctx.predictor?.queuedRows ?? 0,
    () => state.loaded && !state.draining,
  );
  const finish: Finish = (ex, status, code) => {
    const seconds = (performance.now() - ex.start) / 1000;
    metrics.request(ex.route, status, seconds);
    if (status >= 400) metrics.error(code ?? String(status));
    if (access) log.info(accessRecord(ex, status, seconds), "request");
    answered++;
    unanswered.delete(ex);
    const socket = ex.req.socket;
    const left = (pendingOn.get(socket) ?? 1) - 1;
    pendingOn.set(socket, left);
    const then = left === 0 ? afterPending.get(socket) : undefined;
    if (then) {
      afterPending.delete(socket);
      // After this answer's bytes reached the socket, so the refusal comes after it on the wire.
      if (ex.res.writableFinished) then();
      else ex.res.once("finish", then);
    }
  };
  ctx = { definition, config, model, state, metrics, log, finish };
  const router = new Router();
  addV1Routes(router, ctx);
  addV2Routes(router, ctx);
  addOpsRoutes(router, ctx);

  /**
   * What an answer needs to know of the server: while draining, it closes its connection —
   * unless another request on the connection still waits for its answer (it would be dropped),
   * or this request's body has not been read (closing with unread bytes resets the
   * connection, and the answer can be lost with it). Such a connection stays open; Node
   * discards the rest of the body, and the drain closes the connection once it is idle.
   */
  const answerPolicy = (req: IncomingMessage) => ({
    get draining() {
      return state.draining && (pendingOn.get(req.socket) ?? 0) <= 1 && (req.complete || !hasBody(req));
    },
  });

  const onRequest = (req: IncomingMessage, res: ServerResponse, expectation = false) => {
    const ex: Exchange = { req, res, id: requestId(req.headers["x-request-id"]), start: performance.now(), route: "unmatched", answered: false, server: answerPolicy(req) };
    unanswered.add(ex);
    pendingOn.set(req.socket, (pendingOn.get(req.socket) ?? 0) + 1);
    // Node answers these two itself with an empty body unless told not to (see createServer
    // below). Neither reads the body: with one, the connection closes rather than leave Node
    // to read and discard a body of any size.
    if (expectation) {
      sendError(
        ex,
        417,
        "expectation_failed",
        `the server supports only "Expect: 100-continue", got ${JSON.stringify(String(req.headers.expect).slice(0, 100))}`,
        finish,
        undefined,
        hasBody(req) ? { connection: "close" } : undefined,
      );
      return;
    }
    if (req.httpVersion === "1.1" && req.headers.host === undefined) {
      sendError(ex, 400, "missing_host", "an HTTP/1.1 request must have a Host header", finish, undefined, hasBody(req) ? { connection: "close" } : undefined);
      return;
    }
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
  const server = createServer(
    {
      keepAliveTimeout: 65_000,
      // Node enforces headersTimeout and requestTimeout only when it checks its connections,
      // every 30 s by default: headers sent at 1 byte/s were cut after ~19 s instead of 7 s.
      // Checking every second holds both within a second (a walk over the open connections).
      connectionsCheckingInterval: 1_000,
      // A request without Host is answered in onRequest, in the JSON error shape and counted;
      // Node's own answer is a bare 400 with an empty body.
      requireHostHeader: false,
    },
    (req, res) => onRequest(req, res),
  );
  const connections = new Connections(server);
  // Our own timers answer slow bodies (408) and queue waits (504) with JSON; node's are a backstop.
  // The README states these: headers within MESH_TIMEOUT_MS + 5 s, a body within MESH_TIMEOUT_MS.
  server.requestTimeout = config.timeoutMs + 5_000;
  server.headersTimeout = Math.min(60_000, server.requestTimeout);
  // An Expect other than 100-continue: Node's own 417 has an empty body.
  server.on("checkExpectation", (req, res) => onRequest(req, res, true));

  const refused = new WeakSet<Duplex>();
  /**
   * Answers, in the JSON error shape, what never became a request (a parser error, headers too
   * slow or too large, CONNECT), counts it, and closes the connection — after the answers to
   * the requests before it on the same connection, so a pipeline keeps its order. The close
   * lingers: the client may still be sending, and closing with unread bytes would reset the
   * connection and could destroy the answer before it is read.
   */
  const refuse = (socket: Duplex, status: number, reason: string, code: string, detail: string) => {
    if (refused.has(socket)) return; // the parser reports once more for every later chunk
    refused.add(socket);
    metrics.unparsed(status, code);
    const write = () => {
      if (!socket.writable) return void socket.destroy();
      const body = JSON.stringify({ errors: [{ status: String(status), code, detail }] });
      socket.end(`HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
      const linger = setTimeout(() => socket.destroy(), LINGER_MS);
      socket.once("close", () => clearTimeout(linger));
    };
    if ((pendingOn.get(socket as Socket) ?? 0) > 0) afterPending.set(socket as Socket, write);
    else write();
  };
  server.on("clientError", (err: NodeJS.ErrnoException, socket: Duplex) => {
    const code = err.code ?? "";
    // A socket error (ECONNRESET, EPIPE, …): the client is gone; there is no one to answer.
    if (!code.startsWith("HPE_") && code !== "ERR_HTTP_REQUEST_TIMEOUT") return void socket.destroy();
    if (!refused.has(socket)) log.warn({ code }, "client error");
    if (code === "HPE_HEADER_OVERFLOW") refuse(socket, 431, "Request Header Fields Too Large", "headers_too_large", "the request headers are too large");
    else if (code === "ERR_HTTP_REQUEST_TIMEOUT")
      refuse(
        socket,
        408,
        "Request Timeout",
        "request_timeout",
        `the request did not arrive in time (headers within ${server.headersTimeout} ms, the whole request within ${server.requestTimeout} ms)`,
      );
    else if (code === "HPE_CHUNK_EXTENSIONS_OVERFLOW") refuse(socket, 413, "Payload Too Large", "payload_too_large", "the chunk extensions are too large");
    else refuse(socket, 400, "Bad Request", "bad_request", "malformed HTTP request");
  });
  // Without a listener Node drops a CONNECT without a word.
  server.on("connect", (_req: IncomingMessage, socket: Duplex) => {
    socket.resume(); // discard what the client sends, so the lingering close does not reset
    refuse(socket, 405, "Method Not Allowed", "method_not_allowed", "CONNECT is not supported; this is an HTTP API, not a proxy");
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: config.host, port: config.port, exclusive: false }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  markStartup("listening");
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === "IPv6" ? `[${address.address}]` : address.address;

  let closing: Promise<DrainReport> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const report = await drain(
        {
          server,
          connections,
          markDraining: () => {
            state.draining = true;
          },
          answered: () => answered,
          refuseUnanswered: () => {
            const waiting = [...unanswered];
            for (const ex of waiting) sendError(ex, 503, "draining", "the server is shutting down and could not answer this request in time; retry", finish, undefined, { "retry-after": "1" });
            return waiting.length;
          },
          idle: () => ctx.idle?.() ?? ctx.predictor?.idle() ?? Promise.resolve(),
        },
        config.drainMs,
      );
      await ctx.session?.release().catch(() => undefined);
      return report;
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

/** After a refusal, how long a connection may stay half-open while the client finishes sending. */
const LINGER_MS = 2_000;

/** The request declares a body (its bytes follow the headers on the connection). */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers["content-length"];
  return req.headers["transfer-encoding"] !== undefined || (length !== undefined && length !== "0");
}

/** A model over tensors: signature checked against the definition, zero-batch warm-up, then the batching predictor. */
async function loadTensorModel(ctx: ServerContext, definition: TensorServiceDefinition): Promise<void> {
  const { config, metrics, log } = ctx;
  if (config.engine === "torch") throw new Error("MESH_ENGINE=torch serves traced transformer folders (model.pt); this service runs its ONNX model with onnxruntime");
  const session = await openSession(config.modelPath, config);
  markStartup("session");
  const problem = checkSignature(definition.inputs, session.inputs, "input") ?? checkSignature(definition.outputs, session.outputs, "output");
  if (problem) throw new Error(`the model ${config.modelPath} does not match the service definition: ${problem}`);
  await warmUp(session, definition.inputs);
  markStartup("warm");
  ctx.session = session;
  // Several inputs, or a dynamic dimension other than the batch: every request is its own model call.
  if (definition.inputs.length > 1 || definition.inputs.some((t) => t.shape.slice(1).some((d) => d < 0))) return;
  const input = definition.inputs[0]!;
  ctx.predictor = new Predictor(
    session,
    {
      inputName: input.name,
      width: rowWidth(input.shape),
      rowDims: input.shape.slice(1),
      batching: config.batchEnabled,
      maxBatch: config.batchMax,
      maxDelayMs: config.batchDelayMs,
      queueRows: config.queueRows,
    },
    metrics,
    log,
  );
}

/** A transformer folder: checked against the task, tokenizer and session loaded, one real request answered before ready. */
async function loadTransformer(ctx: ServerContext, serving: TransformerServing, metrics: ServerMetrics, log: Logger): Promise<void> {
  const { config, definition } = ctx;
  // Loaded only for transformer services: the tokenizer stack (its native addon, pipelines,
  // the Torch and Neuron folder readers) was the largest share of a tensor model's cold start.
  const { openTransformer } = await import("../transformers/open.js");
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
