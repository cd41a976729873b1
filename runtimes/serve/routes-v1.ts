/**
 * The seed-compatible routes under `<base>` (`/<name>/v1`): live, ready, predict, bio,
 * openapi.json, docs. Predict validates with the definition's `decode` (errors never enter the
 * batch), then queues the request's rows; its response holds only its own rows, in order.
 */
import type { Decoded, TensorServiceDefinition } from "./definition.js";
import type { TransformerPipeline } from "../transformers/pipeline.js";
import { answerPipelineError } from "./pipeline-answer.js";
import type { Router } from "./http-router.js";
import { isReady, rowWidth, type ServerContext } from "./context.js";
import { readJsonBody } from "./body.js";
import { apiError, pointerToken } from "./errors.js";
import { guarded, MAX_ERRORS, sendErrors, sendError, sendJson, sendText, type Exchange } from "./respond.js";
import { bioDocument } from "./bio.js";
import { docsPage } from "./docs-page.js";
import type { Feeds, Outputs } from "./session.js";
import { floatTensor, int64Tensor } from "./session.js";

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
  if (!isReady(ctx) || !ctx.session) {
    sendError(ex, 503, ctx.state.draining ? "draining" : "not_ready", ctx.state.draining ? "the server is shutting down" : "the model is not loaded yet", finish, undefined, RETRY);
    return;
  }
  const predictor = ctx.predictor;
  readJsonBody(ex.req, config.bodyBytes, config.timeoutMs, (body) =>
    guarded(ex, finish, ctx.log, () => {
      if (!body.ok) return sendErrors(ex, [body.error], finish, body.close ? { connection: "close" } : undefined);
      const value = body.value;
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        return sendError(ex, 400, "invalid_type", 'the request body must be a JSON object {"data": {...}}', finish, "");
      }
      const extra = Object.keys(value)
        .filter((k) => k !== "data")
        .slice(0, MAX_ERRORS);
      if (extra.length > 0)
        return sendErrors(
          ex,
          extra.map((k) => apiError(400, "unknown_field", `unknown member "${k.slice(0, 64)}"; the body holds only "data"`, `/${pointerToken(k)}`)),
          finish,
        );
      if (!("data" in value)) return sendError(ex, 400, "missing_field", 'the request body must have a "data" member', finish, "/data");
      const result = definition.decode((value as { data: unknown }).data, config.maxRows);
      if (!result.ok) return sendErrors(ex, result.errors.length > 0 ? result.errors : [apiError(400, "invalid_request", "the request is invalid", "/data")], finish);
      const decoded = result.decoded;
      ex.rows = decoded.rows;
      if (decoded.rows < 1) return sendError(ex, 400, "empty_batch", "the batch holds no rows", finish, "/data/attributes");
      if (decoded.rows > config.maxRows) return sendError(ex, 400, "too_many_rows", `the batch holds ${decoded.rows} rows; at most ${config.maxRows} are allowed`, finish, "/data/attributes");
      if (ctx.pipeline) return transformerPredict(ex, ctx, ctx.pipeline, decoded);
      if (!predictor) return directPredict(ex, ctx, decoded);
      const accepted = predictor.submit(v1Job(ex, ctx, decoded));
      if (!accepted) sendError(ex, 503, "queue_full", "the server is overloaded; retry shortly", finish, undefined, RETRY);
    }),
  );
}

/** A transformer task: the pipeline tokenizes, batches and shapes the answer. */
function transformerPredict(ex: Exchange, ctx: ServerContext, pipeline: TransformerPipeline, decoded: Decoded<unknown>): void {
  const { definition, finish } = ctx;
  const value = decoded.value as { rows: Record<string, unknown>[]; parameters: Record<string, unknown> };
  pipeline.predict({ rows: value.rows, parameters: value.parameters, batch: decoded.batch }, ex.start + ctx.config.timeoutMs).then(
    (attributes) => guarded(ex, finish, ctx.log, () => sendJson(ex, 200, { version: 1, data: { namespace: definition.name, attributes } }, finish)),
    (err: unknown) => answerPipelineError(ex, ctx, err),
  );
}

/**
 * A model with several inputs or a dynamic dimension (e.g. input_ids + attention_mask of any
 * length): every input is fed from the attribute of its name. Rows of different lengths are
 * never padded (what a pad value means is the model's business): rows are grouped by their
 * lengths, each group is one model call, and the answers go back in request order. A model
 * that refuses a combination (say input_ids and attention_mask of different lengths) has
 * refused the client's input: 400 with onnxruntime's reason, not a server fault.
 */
function directPredict(ex: Exchange, ctx: ServerContext, decoded: Decoded<unknown>): void {
  const { finish, session } = ctx;
  const definition = ctx.definition as TensorServiceDefinition;
  const rows = (decoded.value as { rows: Record<string, unknown>[] }).rows;
  for (const spec of definition.inputs) {
    if (spec.shape.slice(1).filter((d) => d < 0).length > 1) {
      return sendError(
        ex,
        400,
        "unsupported_shape",
        `input "${spec.name}" has more than one dynamic dimension; send it through the V2 infer route with its shape`,
        finish,
        `/data/attributes/${pointerToken(spec.name)}`,
      );
    }
  }
  const groups = new Map<string, number[]>();
  rows.forEach((r, i) => {
    const key = definition.inputs.map((spec) => (r[spec.name] as number[]).length).join(",");
    groups.set(key, [...(groups.get(key) ?? []), i]);
  });
  const outName = definition.outputs[0]!.name;
  const runs = [...groups.values()].map((members) => {
    const feeds: Feeds = {};
    for (const spec of definition.inputs) {
      const values = members.map((i) => rows[i]![spec.name] as number[]);
      const fixed = spec.shape.slice(1).every((d) => d >= 0);
      const dims = [members.length, ...(fixed ? spec.shape.slice(1) : [values[0]!.length])];
      const flat = values.flat();
      feeds[spec.name] =
        spec.datatype === "INT64"
          ? int64Tensor(
              BigInt64Array.from(flat, (x) => BigInt(x)),
              dims,
            )
          : floatTensor(Float32Array.from(flat), dims);
    }
    return session!.run(feeds).then((outputs) => ({ members, out: outputs[outName]! }));
  });
  Promise.all(runs).then(
    (done) =>
      guarded(ex, finish, ctx.log, () => {
        const width = rowWidth(done[0]!.out.dims);
        const all = new Float32Array(rows.length * width);
        for (const { members, out } of done) members.forEach((row, j) => all.set((out.data as Float32Array).subarray(j * width, (j + 1) * width), row * width));
        const attributes = definition.respond(decoded, all, width);
        sendJson(ex, 200, { version: 1, data: { namespace: definition.name, attributes } }, finish);
      }),
    (err: unknown) => sendError(ex, 400, "invalid_input", `the model refused these inputs: ${String((err as Error)?.message ?? err).slice(0, 300)}`, finish, "/data/attributes"),
  );
}

function v1Job(ex: Exchange, ctx: ServerContext, decoded: Decoded<unknown>) {
  const { finish } = ctx;
  const definition = ctx.definition as TensorServiceDefinition;
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
