/** `GET /metrics`: Prometheus text of this server's own registry. */
import type { Router } from "./http-router.js";
import type { ServerContext } from "./context.js";
import { sendError, sendText } from "./respond.js";

export function addOpsRoutes(router: Router, ctx: ServerContext): void {
  router.add("GET", "/metrics", (ex) => {
    ctx.metrics.text().then(
      (text) => sendText(ex, 200, ctx.metrics.contentType, text, ctx.finish),
      (err: unknown) => {
        ctx.log.error({ err }, "collecting metrics failed");
        sendError(ex, 500, "metrics_failed", "collecting metrics failed", ctx.finish);
      },
    );
  });
}
