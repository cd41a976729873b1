/**
 * The Python Neuron server reports the alias its version was picked through, as the TypeScript
 * server does: `/bio` carries `alias` (null without one) and `mesh_model_info` an `alias` label,
 * both from MESH_MODEL_ALIAS, which is checked at start. Runs the real app.py with
 * /usr/bin/python3 on CPU over a tiny traced TorchScript model.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { ProjectIR } from "../../../compiler/ir.js";
import { exampleIR } from "../../support/servegen/fixtures.js";
import { PYTHON, run } from "../../support/neuron/support.js";
import { startAppPy } from "../../support/neuron/app-process.js";
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

/** app.py with the given MESH_MODEL_ALIAS (and no other MESH_* variable); stopped by its PID. */
const startServer = (alias: string | undefined) => startAppPy(ir, staged!, alias !== undefined ? { MESH_MODEL_ALIAS: alias } : {});

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
