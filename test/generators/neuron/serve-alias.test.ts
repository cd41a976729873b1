/**
 * The Python Neuron server reports the alias its version was picked through, as the TypeScript
 * server does: `/bio` carries `alias` (null without one) and `mesh_model_info` an `alias` label,
 * both from MESH_MODEL_ALIAS, which is checked at start. Runs the real app.py with
 * /usr/bin/python3 on CPU over a tiny traced TorchScript model.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { ProjectIR } from "../../../compiler/ir.js";
import { freeLoopbackPort } from "../../../compiler/servetest/free-port.js";
import { exampleIR } from "../../support/servegen/fixtures.js";
import { PYTHON, run } from "../../support/neuron/support.js";
import { stageNeuronServer, type StagedServer } from "../../support/neuron/staged-server.js";

let ir: ProjectIR;
let serverDir = "";
let modelDir = "";
let staged: StagedServer | undefined;

beforeAll(async () => {
  ir = await exampleIR("spam");
  staged = await stageNeuronServer(ir, "neuron-alias", { batch: 2, card: { id: "SPAM-COMPILED-2", type: "compiled", parent: "SPAM-TRAINED-1", metrics: {} } });
  serverDir = staged.serverDir;
  modelDir = staged.modelDir;
}, 180_000);

afterAll(() => staged?.remove());

/** Starts app.py on a free loopback port with the given MESH_MODEL_ALIAS; stopped by its PID. */
async function startServer(alias: string | undefined): Promise<{ url: string; root: string; stop: () => Promise<void> }> {
  const port = await freeLoopbackPort();
  const { MESH_MODEL_ALIAS: _drop, ...env } = process.env;
  const child: ChildProcess = spawn(PYTHON, ["-B", "app.py", "--host", "127.0.0.1", "--port", String(port), "--model-dir", modelDir], {
    cwd: serverDir,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...env, PYTHONDONTWRITEBYTECODE: "1", ...(alias !== undefined ? { MESH_MODEL_ALIAS: alias } : {}) },
  });
  let log = "";
  child.stdout!.on("data", (d: Buffer) => (log += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (log += d.toString()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
    await exited;
    clearTimeout(timer);
  };
  const root = `http://127.0.0.1:${port}`;
  const url = `${root}${ir.serve.api.basePath}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`app.py exited with ${child.exitCode}: ${log}`);
    const ok = await fetch(`${url}/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return { url, root, stop };
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`app.py not ready within 60 s: ${log}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe("the Python Neuron server names the alias it serves", () => {
  test("MESH_MODEL_ALIAS=production: /bio says alias production, mesh_model_info carries the alias label", async () => {
    const server = await startServer("production");
    try {
      const bio = (await (await fetch(`${server.url}/bio`)).json()) as Record<string, unknown>;
      expect(bio).toMatchObject({ name: "spam", version: "SPAM-COMPILED-2", alias: "production", versions: { served: "SPAM-COMPILED-2", parent: "SPAM-TRAINED-1" } });
      // Same field order as the TypeScript server's /bio.
      expect(Object.keys(bio).slice(0, 4)).toEqual(["name", "version", "alias", "versions"]);
      const metrics = await (await fetch(`${server.root}/metrics`)).text();
      expect(metrics).toMatch(/^mesh_model_info\{name="spam",version="SPAM-COMPILED-2",alias="production",spec_hash="[0-9a-f]*"\} 1$/m);
    } finally {
      await server.stop();
    }
  }, 90_000);

  test("without an alias: /bio alias is null and the label is empty, as the TypeScript server renders it", async () => {
    const server = await startServer(undefined);
    try {
      const bio = (await (await fetch(`${server.url}/bio`)).json()) as Record<string, unknown>;
      expect(bio["alias"]).toBeNull();
      const metrics = await (await fetch(`${server.root}/metrics`)).text();
      expect(metrics).toMatch(/^mesh_model_info\{name="spam",version="SPAM-COMPILED-2",alias="",spec_hash="[0-9a-f]*"\} 1$/m);
    } finally {
      await server.stop();
    }
  }, 90_000);

  test("an alias that is not an alias name is refused at start, before it could reach a label", async () => {
    const r = await run(PYTHON, ["-B", "app.py", "--host", "127.0.0.1", "--port", "0", "--model-dir", modelDir], {
      cwd: serverDir,
      env: { ...process.env, MESH_MODEL_ALIAS: 'prod",evil="1' },
      timeout: 60_000,
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('app.py: invalid MESH_MODEL_ALIAS "prod\\",evil=\\"1": expected an alias name such as production');
  }, 90_000);
});
