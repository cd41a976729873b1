/**
 * A spare server process for `mesh dev` (run as `node --import <parent guard> spare-server.js
 * <main.js>`): it loads the serving runtime — Node's start and the runtime's modules,
 * onnxruntime included, are most of a server's start-up — while nothing needs it, then waits.
 * On a reload the session sends `{ mainJs, env }` over IPC; the spare takes that environment
 * and runs the freshly generated main.js, which finds the runtime already loaded. A spare
 * never serves stale runtime code: the session discards it when mesh's runtime changes.
 */
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

export interface SpareStart {
  readonly mainJs: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

const planned = process.argv[2];
if (planned) {
  try {
    // The same file the generated main.js imports (the package's self-reference), so the module cache answers it.
    await import(pathToFileURL(createRequire(planned).resolve("mesh/runtimes/serve/index.js")).href);
  } catch {
    // Not built or not resolvable: main.js will report it when it runs.
  }
}
process.once("message", (start: SpareStart) => {
  for (const k of Object.keys(process.env)) if (!(k in start.env)) delete process.env[k];
  for (const [k, v] of Object.entries(start.env)) if (v !== undefined) process.env[k] = v;
  // node:cluster forks process.argv[1]: workers run main.js itself.
  process.argv.splice(1, process.argv.length - 1, start.mainJs);
  // The IPC channel was only for this message: it must not keep the server alive (disconnecting
  // inside the message handler crashes Node 20's channel bookkeeping).
  process.channel?.unref();
  void import(pathToFileURL(start.mainJs).href);
});
process.send?.({ type: "spare-ready" });
