/**
 * How a transformer pipeline's failure reaches the client: its own status and pointer for
 * PipelineErrors (400 too long, 503 queue full, 504 timeout), 500 for anything else (logged).
 */
import { PipelineError } from "../transformers/pipeline-error.js";
import type { ServerContext } from "./context.js";
import { sendError, type Exchange } from "./respond.js";

export function answerPipelineError(ex: Exchange, ctx: ServerContext, err: unknown): void {
  if (err instanceof PipelineError) {
    sendError(ex, err.status, err.code, err.detail, ctx.finish, err.pointer, err.status === 503 ? { "retry-after": "1" } : undefined);
    return;
  }
  ctx.log.error({ err, reqId: ex.id }, "transformer pipeline failed");
  sendError(ex, 500, "inference_failed", "the model failed to answer this request", ctx.finish);
}
