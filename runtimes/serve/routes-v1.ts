/**
 * The seed-compatible routes under `<base>` (`/<name>/v1`): live, ready, predict, bio,
 * openapi.json, docs. Predict validates with the generated `decode` (errors never enter the
 * batch), then queues the request's rows; its response holds only its own rows, in order.
 */
import type { Decoded } from "./definition.js";
import type { Router } from "./http-router.js";
import { isReady, rowWidth, type ServerContext } from "./context.js";
import { readJsonBody } from "./body.js";
import { apiError, pointerToken } from "./errors.js";
import { guarded, sendErrors, sendError, sendJson, sendText, type Exchange } from "./respond.js";
import { bioDocument } from "./bio.js";
import { docsPage } from "./docs-page.js";
import type { Outputs } from "./session.js";

const RETRY = { "retry-after": "1" };

export function addV1Routes(router: Router, ctx: ServerContext): void {
  const base = ctx.definition.basePath;
  const { finish } = ctx;
  router.add("GET", `${base}/live`, (ex) => sendJson(ex, 200, { live: true }, finish));
  router.add("GET", `${base}/ready`, (ex) => {
    if (isReady(ctx)) sendJson(ex, 200, { ready: true }, finish);
    else sendJson(ex, 503, { ready: false, reason: ctx.state.draining ? "draining" : "loading" }, finish, RETRY);
  });
  router.add("GET", `${base}/bio`, (ex) => sendJson(ex, 200, bioDocument(ctx), finish));
  const openapi = JSON.stringify(ctx.definition.openapi);
  router.add("GET", `${base}/openapi.json`, (ex) => sendText(ex, 200, "application/json; charset=utf-8", openapi, finish));
  const docs = docsPage(ctx.definition.openapi, `${base}/openapi.json`);
  router.add("GET", `${base}/docs`, (ex) => sendText(ex, 200, "text/html; charset=utf-8", docs, finish, { "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'" }));
  router.add("POST", `${base}/predict`, (ex) => predict(ex, ctx));
}

function predict(ex: Exchange, ctx: ServerContext): void {
  const { config, finish, definition } = ctx;
  if (!isReady(ctx) || !ctx.predictor) {
    sendError(ex, 503, ctx.state.draining ? "draining" : "not_ready", ctx.state.draining ? "the server is shutting down" : "the model is not loaded yet", finish, undefined, RETRY);
    return;
  }
  const predictor = ctx.predictor;
  readJsonBody(ex.req, config.bodyBytes, config.timeoutMs, (body) => guarded(ex, finish, ctx.log, () => {
    if (!body.ok) return sendErrors(ex, [body.error], finish, body.close ? { connection: "close" } : undefined);
    const value = body.value;
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      return sendError(ex, 400, "invalid_type", 'the request body must be a JSON object {"data": {...}}', finish, "");
    }
    const extra = Object.keys(value).filter((k) => k !== "data");
    if (extra.length > 0) return sendErrors(ex, extra.map((k) => apiError(400, "unknown_field", `unknown member "${k.slice(0, 64)}"; the body holds only "data"`, `/${pointerToken(k)}`)), finish);
    if (!("data" in value)) return sendError(ex, 400, "missing_field", 'the request body must have a "data" member', finish, "/data");
    const result = definition.decode((value as { data: unknown }).data, config.maxRows);
    if (!result.ok) return sendErrors(ex, result.errors.length > 0 ? result.errors : [apiError(400, "invalid_request", "the request is invalid", "/data")], finish);
    const decoded = result.decoded;
    if (decoded.rows < 1) return sendError(ex, 400, "empty_batch", "the batch holds no rows", finish, "/data/attributes");
    if (decoded.rows > config.maxRows) return sendError(ex, 400, "too_many_rows", `the batch holds ${decoded.rows} rows; at most ${config.maxRows} are allowed`, finish, "/data/attributes");
    const accepted = predictor.submit(v1Job(ex, ctx, decoded));
    if (!accepted) sendError(ex, 503, "queue_full", "the server is overloaded; retry shortly", finish, undefined, RETRY);
  }));
}

function v1Job(ex: Exchange, ctx: ServerContext, decoded: Decoded<unknown>) {
  const { definition, finish } = ctx;
  const input = definition.inputs[0]!;
  const width = rowWidth(input.shape);
  const outName = definition.outputs[0]!.name;
  return {
    rows: decoded.rows,
    queuedAt: performance.now(),
    deadline: ex.start + ctx.config.timeoutMs,
    fill(out: Float32Array, offset: number) {
      for (let r = 0; r < decoded.rows; r++) definition.encode(decoded.value, r, out, offset + r * width);
    },
    done(outputs: Outputs, rowStart: number) {
      const out = outputs[outName]!;
      const outWidth = rowWidth(out.dims);
      const data = out.data as Float32Array;
      const rows = data.subarray(rowStart * outWidth, (rowStart + decoded.rows) * outWidth);
      const attributes = definition.respond(decoded, rows, outWidth);
      sendJson(ex, 200, { version: 1, data: { namespace: definition.name, attributes } }, finish);
    },
    fail(status: number, code: string, detail: string) {
      sendError(ex, status, code, detail, finish);
    },
  };
}
