/**
 * Open Inference Protocol (V2, what KServe and Triton clients speak) for the same model:
 * server metadata and health, model metadata and readiness, infer. A model with one FP32
 * input shares the predict batch queue; others run one `session.run` per request.
 */
import type { Router } from "./http-router.js";
import { isReady, rowWidth, type ServerContext } from "./context.js";
import { readJsonBody } from "./body.js";
import { guarded, sendErrors, sendError, sendJson, type Exchange } from "./respond.js";
import { decodeV2, type V2Request } from "./v2-tensors.js";
import type { Feeds, Outputs } from "./session.js";
import { floatTensor, int64Tensor } from "./session.js";

const RETRY = { "retry-after": "1" };

export function addV2Routes(router: Router, ctx: ServerContext): void {
  const { finish, definition } = ctx;
  const model = `/v2/models/${definition.name}`;
  const tensors = (list: typeof definition.inputs) => list.map((t) => ({ name: t.name, datatype: t.datatype, shape: [...t.shape] }));
  router.add("GET", "/v2", (ex) => sendJson(ex, 200, { name: "mesh", version: definition.meshVersion ?? "unknown", extensions: [] }, finish));
  router.add("GET", "/v2/health/live", (ex) => sendJson(ex, 200, { live: true }, finish));
  router.add("GET", "/v2/health/ready", (ex) => sendJson(ex, isReady(ctx) ? 200 : 503, { ready: isReady(ctx) }, finish, isReady(ctx) ? undefined : RETRY));
  router.add("GET", model, (ex) =>
    sendJson(ex, 200, { name: definition.name, versions: [ctx.model.version], platform: "onnxruntime_onnx", inputs: tensors(definition.inputs), outputs: tensors(definition.outputs) }, finish),
  );
  router.add("GET", `${model}/ready`, (ex) => sendJson(ex, isReady(ctx) ? 200 : 503, { name: definition.name, ready: isReady(ctx) }, finish, isReady(ctx) ? undefined : RETRY));
  router.add("POST", `${model}/infer`, (ex) => infer(ex, ctx));
}

function infer(ex: Exchange, ctx: ServerContext): void {
  const { config, finish, definition } = ctx;
  if (!isReady(ctx) || !ctx.predictor || !ctx.session) {
    sendError(ex, 503, ctx.state.draining ? "draining" : "not_ready", ctx.state.draining ? "the server is shutting down" : "the model is not loaded yet", finish, undefined, RETRY);
    return;
  }
  const { predictor, session } = ctx;
  readJsonBody(ex.req, config.bodyBytes, config.timeoutMs, (body) => guarded(ex, finish, ctx.log, () => {
    if (!body.ok) return sendErrors(ex, [body.error], finish, body.close ? { connection: "close" } : undefined);
    const decoded = decodeV2(body.value, definition.inputs, definition.outputs, config.maxRows);
    if (!decoded.ok) return sendErrors(ex, decoded.errors, finish);
    const request = decoded.request;
    const only = request.inputs.length === 1 ? request.inputs[0]! : undefined;
    if (only && only.data instanceof Float32Array) {
      const data = only.data;
      const job = {
        rows: request.rows,
        queuedAt: performance.now(),
        deadline: ex.start + config.timeoutMs,
        fill: (out: Float32Array, offset: number) => out.set(data, offset),
        done: (outputs: Outputs, rowStart: number) => answer(ex, ctx, request, outputs, rowStart),
        fail: (status: number, code: string, detail: string) => sendError(ex, status, code, detail, finish),
      };
      if (!predictor.submit(job)) sendError(ex, 503, "queue_full", "the server is overloaded; retry shortly", finish, undefined, RETRY);
      return;
    }
    const feeds: Feeds = {};
    for (const input of request.inputs) feeds[input.name] = input.data instanceof Float32Array ? floatTensor(input.data, input.shape) : int64Tensor(input.data, input.shape);
    session.run(feeds).then(
      (outputs) => guarded(ex, finish, ctx.log, () => answer(ex, ctx, request, outputs, 0)),
      (err: unknown) => {
        ctx.log.error({ err }, "model inference failed");
        sendError(ex, 500, "inference_failed", "the model failed to run this request", finish);
      },
    );
  }));
}

function answer(ex: Exchange, ctx: ServerContext, request: V2Request, outputs: Outputs, rowStart: number): void {
  const { definition } = ctx;
  const names = request.outputs.length > 0 ? request.outputs : definition.outputs.map((o) => o.name);
  const out = names.map((name) => {
    const t = outputs[name]!;
    const width = rowWidth(t.dims);
    const spec = definition.outputs.find((o) => o.name === name);
    const slice = (t.data as Float32Array).subarray(rowStart * width, (rowStart + request.rows) * width);
    const data = typeof slice[0] === "bigint" ? Array.from(slice as unknown as BigInt64Array, Number) : Array.from(slice);
    return { name, datatype: spec?.datatype ?? "FP32", shape: [request.rows, ...t.dims.slice(1)], data };
  });
  const body: Record<string, unknown> = { model_name: definition.name, model_version: ctx.model.version, outputs: out };
  if (request.id !== undefined) body["id"] = request.id;
  sendJson(ex, 200, body, ctx.finish);
}
