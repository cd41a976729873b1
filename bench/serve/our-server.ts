/**
 * Our server for the bench: `BENCH_DEF=mlp` serves the MLP definition, `BENCH_DEF=spam` the
 * hand-written spam-like text definition (4096 dims; used only when the generated
 * out/spam/serve is absent — the bench runs the generated main.js directly otherwise).
 */
import { runMain } from "../../runtimes/serve/index.js";
import type { ServiceDefinition } from "../../runtimes/serve/definition.js";
import { mlpDefinition } from "./mlp-definition.js";
import { textDefinition } from "../../test/support/serve/fixtures/text-definition.js";

const kind = process.env["BENCH_DEF"] ?? "mlp";
const definition = (kind === "mlp" ? mlpDefinition() : textDefinition("spam", 100_000)) as ServiceDefinition;
await runMain(definition, { host: "127.0.0.1", port: 0, maxRows: 64, queueRows: 2048, logLevel: "warn" });
