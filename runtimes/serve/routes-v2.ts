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
import { decodeV2Text, encodeV2Text, textOutputs, type TextTensorSpec } from "./v2-text.js";
import { answerPipelineError } from "./pipeline-answer.js";
import { pointerToken } from "./errors.js";
import { PipelineError } from "../transformers/pipeline-error.js";
import { taskApi } from "../transformers/task-api.js";
import type { TransformerServing } from "../transformers/config.js";

const RETRY = { "retry-after": "1" };

export function addV2Routes(router: Router, ctx: ServerContext): void {
  const { finish, definition } = ctx;
  const model = `/v2/models/${definition.name}`;
  const tensors = (list: typeof definition.inputs) => list.map((t) => ({ name: t.name, datatype: t.datatype, shape: [...t.shape] }));
  router.add("GET", "/v2", (ex) => sendJson(ex, 200, { name: "mesh", version: definition.meshVersion ?? "unknown", extensions: [] }, finish));
  router.add("GET", "/v2/health/live", (ex) => sendJson(ex, 200, { live: true }, finish));
  router.add("GET", "/v2/health/ready", (ex) => sendJson(ex, isReady(ctx) ? 200 : 503, { ready: isReady(ctx) }, finish, isReady(ctx) ? undefined : RETRY));
  const text = definition.transformer ? textInterface(definition.transformer, definition.labels, definition.outputs) : undefined;
  router.add("GET", model, (ex) =>
    sendJson(
      ex,
      200,
      text
        ? { name: definition.name, versions: [ctx.model.version], platform: "onnxruntime_onnx", inputs: [text.input], outputs: text.outputs.map((o) => ({ ...o, shape: [...o.shape] })) }
        : { name: definition.name, versions: [ctx.model.version], platform: "onnxruntime_onnx", inputs: tensors(definition.inputs), outputs: tensors(definition.outputs) },
      finish,
    ),
  );
  router.add("GET", `${model}/ready`, (ex) => sendJson(ex, isReady(ctx) ? 200 : 503, { name: definition.name, ready: isReady(ctx) }, finish, isReady(ctx) ? undefined : RETRY));
  router.add("POST", `${model}/infer`, (ex) => (text ? inferText(ex, ctx, text) : infer(ex, ctx)));
}

interface TextInterface {
  readonly input: { readonly name: string; readonly datatype: "BYTES"; readonly shape: readonly number[] };
  readonly outputs: readonly TextTensorSpec[];
}

function textInterface(t: TransformerServing, labels: readonly string[], outputs: readonly { readonly shape: readonly number[] }[]): TextInterface {
  const hidden = outputs.find((o) => o.shape.length === 3)?.shape[2] ?? -1;
  return {
    input: { name: t.input, datatype: "BYTES", shape: [-1] },
    outputs: textOutputs(
      taskApi(t.task).response.map((f) => f.name),
      labels,
      hidden,
    ),
  };
}

/** V2 infer of a transformer: strings in, through the same decoder and pipeline as v1. */
function inferText(ex: Exchange, ctx: ServerContext, text: TextInterface): void {
  const { config, finish, definition } = ctx;
  const pipeline = ctx.pipeline;
  if (!isReady(ctx) || !pipeline) {
    sendError(ex, 503, ctx.state.draining ? "draining" : "not_ready", ctx.state.draining ? "the server is shutting down" : "the model is not loaded yet", finish, undefined, RETRY);
    return;
  }
  readJsonBody(ex.req, config.bodyBytes, config.timeoutMs, (body) =>
    guarded(ex, finish, ctx.log, () => {
      if (!body.ok) return sendErrors(ex, [body.error], finish, body.close ? { connection: "close" } : undefined);
      const v2 = decodeV2Text(body.value, text.input.name, text.outputs, config.maxRows);
      if (!v2.ok) return sendErrors(ex, v2.errors, finish);
      const request = v2.request;
      ex.rows = request.texts.length;
      const data = { namespace: definition.name, attributes: { [text.input.name]: request.texts }, ...(request.parameters !== undefined ? { parameters: request.parameters } : {}) };
      const decoded = definition.decode(data, config.maxRows);
      // The decoder speaks v1 pointers; V2 clients sent /inputs/0/data and /parameters.
      if (!decoded.ok)
        return sendErrors(
          ex,
          decoded.errors.map((e) => ({ ...e, ...(e.source ? { source: { pointer: v2Pointer(e.source.pointer, text.input.name) } } : {}) })),
          finish,
        );
      const value = decoded.decoded.value as { rows: Record<string, unknown>[]; parameters: Record<string, unknown> };
      pipeline.predict({ rows: value.rows, parameters: value.parameters, batch: true }, ex.start + config.timeoutMs).then(
        (attributes) =>
          guarded(ex, finish, ctx.log, () => {
            const outputs = encodeV2Text(attributes as Record<string, unknown[]>, text.outputs, request.outputs, definition.labels);
            sendJson(ex, 200, { model_name: definition.name, model_version: ctx.model.version, ...(request.id !== undefined ? { id: request.id } : {}), outputs }, finish);
          }),
        (err: unknown) => {
          if (err instanceof PipelineError && err.pointer) err = new PipelineError(err.status, err.code, err.detail, v2Pointer(err.pointer, text.input.name));
          answerPipelineError(ex, ctx, err);
        },
      );
    }),
  );
}

/** `/data/attributes/<input>/3` → `/inputs/0/data/3`; `/data/parameters/x` → `/parameters/x`. */
function v2Pointer(pointer: string, input: string): string {
  const attr = `/data/attributes/${pointerToken(input)}`;
  if (pointer.startsWith(attr)) return `/inputs/0/data${pointer.slice(attr.length)}`;
  if (pointer.startsWith("/data/parameters")) return pointer.slice("/data".length);
  return pointer;
}

function infer(ex: Exchange, ctx: ServerContext): void {
  const { config, finish, definition } = ctx;
  if (!isReady(ctx) || !ctx.session) {
    sendError(ex, 503, ctx.state.draining ? "draining" : "not_ready", ctx.state.draining ? "the server is shutting down" : "the model is not loaded yet", finish, undefined, RETRY);
    return;
  }
  const { predictor, session } = ctx;
  readJsonBody(ex.req, config.bodyBytes, config.timeoutMs, (body) =>
    guarded(ex, finish, ctx.log, () => {
      if (!body.ok) return sendErrors(ex, [body.error], finish, body.close ? { connection: "close" } : undefined);
      const decoded = decodeV2(body.value, definition.inputs, definition.outputs, config.maxRows);
      if (!decoded.ok) return sendErrors(ex, decoded.errors, finish);
      const request = decoded.request;
      ex.rows = request.rows;
      const only = request.inputs.length === 1 ? request.inputs[0]! : undefined;
      if (predictor && only && only.data instanceof Float32Array) {
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
        // Types, ranks and fixed dims were checked: what the model still refuses (ids beyond its
        // vocabulary, inputs whose dynamic lengths disagree) is the client's input.
        (err: unknown) => sendError(ex, 400, "invalid_input", `the model refused these inputs: ${String((err as Error)?.message ?? err).slice(0, 300)}`, finish, "/inputs"),
      );
    }),
  );
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
