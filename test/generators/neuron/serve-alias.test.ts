/**
 * The Python Neuron server reports the alias its version was picked through, as the TypeScript
 * server does: `/bio` carries `alias` (null without one) and `mesh_model_info` an `alias` label,
 * both from MESH_MODEL_ALIAS, which is checked at start. Runs the real app.py with
 * /usr/bin/python3 on CPU over a tiny traced TorchScript model.
 */
import { spawn, type ChildProcess } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { ProjectIR } from "../../../compiler/ir.js";
import { freeLoopbackPort } from "../../../compiler/servetest/free-port.js";
import { apiJson } from "../../../generators/neuron/api-json.js";
import { openapiDocument } from "../../../generators/support/openapi-document.js";
import { exampleIR } from "../../support/servegen/fixtures.js";
import { PYTHON, REPO, run, scratch } from "../../support/neuron/support.js";

const DIMS = 64;
let ir: ProjectIR;
let serverDir = "";
let modelDir = "";

beforeAll(async () => {
  ir = await exampleIR("spam");
  serverDir = scratch("neuron-alias-server");
  for (const f of ["app.py", "featurizers.py"]) fs.copyFileSync(path.join(REPO, "runtimes/neuron/python", f), path.join(serverDir, f));
  fs.writeFileSync(path.join(serverDir, "api.json"), apiJson(ir));
  fs.writeFileSync(path.join(serverDir, "openapi.json"), JSON.stringify(openapiDocument(ir)));
  // A compiled version folder as the registry downloads it: card + neuron/{model.pt, specs, features}.
  modelDir = scratch("neuron-alias-model");
  const neuron = path.join(modelDir, "neuron");
  fs.mkdirSync(neuron, { recursive: true });
  fs.writeFileSync(path.join(modelDir, "card.json"), JSON.stringify({ id: "SPAM-COMPILED-2", type: "compiled", parent: "SPAM-TRAINED-1", metrics: {} }));
  fs.writeFileSync(path.join(neuron, "compilation_specs.json"), JSON.stringify({ target: "cpu", tracing__batch_size: 2, tracing__max_length: DIMS }));
  fs.writeFileSync(path.join(neuron, "features.json"), JSON.stringify({ kind: "hashed-ngrams", input: "text", dims: DIMS, ngrams: [1, 2], lowercase: true, maxChars: 2000 }));
  const trace = [
    "import sys, torch",
    "torch.manual_seed(0)",
    `net = torch.nn.Sequential(torch.nn.Linear(${DIMS}, 2), torch.nn.Softmax(dim=-1)).eval()`,
    `torch.jit.trace(net, torch.zeros(2, ${DIMS})).save(sys.argv[1])`,
  ].join("\n");
  const traced = await run(PYTHON, ["-B", "-c", trace, path.join(neuron, "model.pt")], { timeout: 120_000 });
  expect(traced.code, traced.stderr).toBe(0);
}, 180_000);

afterAll(() => {
  for (const d of [serverDir, modelDir]) if (d) fs.rmSync(d, { recursive: true, force: true });
});

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
