/**
 * `serve/main.ts`: the entry point (`node out/<name>/serve/main.js`). It hands the
 * definition to the library's `runMain` with the spec's serve settings as defaults; each
 * is overridden by its declared `MESH_*` environment variable at start-up.
 */
import type { ProjectIR } from "../../compiler/ir.js";
import { doc, importText, moduleText, ty } from "../support/typed-code.js";

/** The spec's values for `ServeDefaults` (runtimes/serve/definition.ts), keys sorted. */
export function serveDefaults(ir: ProjectIR): Record<string, unknown> {
  const s = ir.serve;
  const onnx = ir.compile?.targets.find((t) => t.kind === "onnx");
  return {
    batchDelayMs: s.batching.maxDelayMs,
    batchEnabled: s.batching.enabled,
    batchMax: s.batching.maxBatch,
    bodyBytes: s.limits.bodyBytes,
    drainMs: s.drainMs,
    ...(onnx?.kind === "onnx" ? { graphOptimization: onnx.optimization } : {}),
    host: s.host,
    interOpThreads: s.threads.interOp,
    intraOpThreads: s.threads.intraOp,
    maxRows: s.limits.maxRows,
    port: s.port,
    queueRows: s.batching.queue,
    timeoutMs: s.limits.timeoutMs,
    workers: s.workers,
  };
}

export function mainModule(ir: ProjectIR): string {
  const d = serveDefaults(ir);
  return moduleText([
    [
      importText(["ServeDefaults"], "mesh/runtimes/serve/definition.js", true),
      importText(["runMain"], "mesh/runtimes/serve/index.js"),
      importText(["definition"], "./definition.js"),
    ].join("\n"),
    [
      doc("The spec's serve settings; each yields to its MESH_* environment variable."),
      `const defaults${ty(": ServeDefaults")} = {`,
      ...Object.entries(d).map(([k, v]) => `  ${k}: ${JSON.stringify(v)},`),
      "};",
      "await runMain(definition, defaults);",
    ].join("\n"),
  ]);
}
