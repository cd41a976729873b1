/**
 * The Python Neuron server reads the TypeScript server's MESH_* variables through the
 * declarations api.json carries: batching bounds are respected, unknown or unsupported
 * variables and out-of-bounds values refuse the start, and a fixed-batch trace refuses a
 * larger MESH_BATCH_MAX. Runs the real app.py with /usr/bin/python3 on CPU.
 */
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { ProjectIR } from "../../../compiler/ir.js";
import { freeLoopbackPort } from "../../../compiler/servetest/free-port.js";
import { exampleIR } from "../../support/servegen/fixtures.js";
import { PYTHON, run } from "../../support/neuron/support.js";
import { stageNeuronServer, type StagedServer } from "../../support/neuron/staged-server.js";

const TRACED = 4;
let ir: ProjectIR;
let serverDir = "";
let modelDir = "";
let staged: StagedServer | undefined;

beforeAll(async () => {
  ir = await exampleIR("spam");
  staged = await stageNeuronServer(ir, "neuron-env", { batch: TRACED, dynamicBatch: false });
  serverDir = staged.serverDir;
  modelDir = staged.modelDir;
}, 180_000);

afterAll(() => staged?.remove());

function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("MESH_")));
  return { ...env, PYTHONDONTWRITEBYTECODE: "1", ...extra };
}

async function refused(extra: Record<string, string>): Promise<string> {
  const r = await run(PYTHON, ["-B", "app.py", "--host", "127.0.0.1", "--port", "0", "--model-dir", modelDir], { cwd: serverDir, env: cleanEnv(extra), timeout: 60_000 });
  expect(r.code).toBe(2);
  return r.stderr;
}

describe("app.py start-up checks of MESH_*", () => {
  test("an unknown MESH_ variable refuses the start, naming it", async () => {
    expect(await refused({ MESH_BATCH_MAXX: "4" })).toContain("unknown environment variable MESH_BATCH_MAXX; the Neuron server reads only:");
  }, 60_000);
  test("a TypeScript-server variable the Neuron server cannot honour refuses the start", async () => {
    expect(await refused({ MESH_WORKERS: "2" })).toContain("MESH_WORKERS is a setting of the TypeScript server that the Neuron server cannot honour");
  }, 60_000);
  test("an out-of-bounds value names the variable and the bound", async () => {
    expect(await refused({ MESH_BATCH_MAX: "0" })).toContain("invalid MESH_BATCH_MAX: expected an integer >= 1, got 0");
  }, 60_000);
  test("MESH_BATCH_MAX above the fixed traced batch refuses the start", async () => {
    expect(await refused({ MESH_BATCH_MAX: "5" })).toContain(`invalid MESH_BATCH_MAX: 5 exceeds the batch size ${TRACED} the model was traced with (fixed batch)`);
  }, 60_000);
});

describe("app.py batches by MESH_BATCH_MAX", () => {
  test("12 concurrent rows with max batch 4: at least 3 model calls, none above 4 rows", async () => {
    const port = await freeLoopbackPort();
    const child = spawn(PYTHON, ["-B", "app.py", "--model-dir", modelDir], {
      cwd: serverDir,
      stdio: ["ignore", "pipe", "pipe"],
      env: cleanEnv({ MESH_HOST: "127.0.0.1", MESH_PORT: String(port), MESH_BATCH_MAX: "4", MESH_BATCH_DELAY_MS: "50" }),
    });
    let log = "";
    child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
    const exited = new Promise((r) => child.once("exit", r));
    try {
      const url = `http://127.0.0.1:${port}${ir.serve.api.basePath}`;
      for (let ready = false; !ready; ) {
        if (child.exitCode !== null) throw new Error(`app.py exited: ${log}`);
        ready = await fetch(`${url}/ready`).then(
          (r) => r.status === 200,
          () => false,
        );
        if (!ready) await new Promise((r) => setTimeout(r, 200));
      }
      const body = JSON.stringify({ data: { namespace: ir.serve.api.namespace, attributes: { text: "win money now" } } });
      const answers = await Promise.all(Array.from({ length: 12 }, () => fetch(`${url}/predict`, { method: "POST", headers: { "content-type": "application/json" }, body })));
      expect(answers.map((a) => a.status)).toEqual(Array(12).fill(200));
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      const count = Number(/^mesh_batch_rows_count(?:\{[^}]*\})? (\S+)$/m.exec(metrics)![1]);
      const upTo4 = Number(/^mesh_batch_rows_bucket\{[^}]*le="4"[^}]*\} (\S+)$/m.exec(metrics)![1]);
      const sum = Number(/^mesh_batch_rows_sum(?:\{[^}]*\})? (\S+)$/m.exec(metrics)![1]);
      expect(sum).toBe(12);
      expect(count).toBeGreaterThanOrEqual(3);
      expect(upTo4).toBe(count);
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
  }, 120_000);
});
