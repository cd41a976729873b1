/**
 * SIGTERM drains the Python Neuron server as it does the TypeScript one: a request already in
 * flight is answered before the process exits 0, and MESH_DRAIN_MS bounds the wait — a request
 * that never completes does not keep the server alive past it. Runs the real app.py with
 * /usr/bin/python3 on CPU over a tiny traced model.
 */
import * as net from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import type { ProjectIR } from "../../../compiler/ir.js";
import { exampleIR } from "../../support/servegen/fixtures.js";
import { startAppPy } from "../../support/neuron/app-process.js";
import { stageNeuronServer, type StagedServer } from "../../support/neuron/staged-server.js";

let ir: ProjectIR;
let staged: StagedServer | undefined;

beforeAll(async () => {
  ir = await exampleIR("spam");
  staged = await stageNeuronServer(ir, "neuron-drain", { batch: 8, dynamicBatch: true });
}, 180_000);

afterAll(() => staged?.remove());

/** A predict request on its own connection, sent up to half its body; `finish` sends the rest. */
async function halfSentPredict(port: number, path: string): Promise<{ finish: () => void; response: Promise<string> }> {
  const body = JSON.stringify({ data: { namespace: ir.serve.api.namespace, attributes: { text: "win a free cruise now" } } });
  const head = `POST ${path} HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n`;
  const socket = net.connect(port, "127.0.0.1");
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  let received = "";
  socket.on("data", (d: Buffer) => (received += d.toString()));
  const response = new Promise<string>((resolve) => socket.once("close", () => resolve(received)));
  socket.on("error", () => {});
  const half = Math.floor(body.length / 2);
  socket.write(head + body.slice(0, half));
  return { finish: () => socket.write(body.slice(half)), response };
}

/** Resolves once `log()` holds `text`. */
async function logged(log: () => string, text: string): Promise<void> {
  while (!log().includes(text)) await new Promise((r) => setTimeout(r, 50));
}

describe("app.py on SIGTERM", () => {
  test("a request in flight when the signal arrives is answered, then the process exits 0", async () => {
    const app = await startAppPy(ir, staged!, { MESH_DRAIN_MS: "60000" });
    try {
      const inFlight = await halfSentPredict(app.port, `${ir.serve.api.basePath}/predict`);
      // A full request on another connection: the half-sent one is being handled by the time it is answered.
      expect((await fetch(`${app.url}/ready`)).status).toBe(200);
      app.signal("SIGTERM");
      await logged(app.log, "draining");
      inFlight.finish();
      const answer = await inFlight.response;
      expect(answer).toMatch(/^HTTP\/1\.1 200 /);
      expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)).data.attributes.label).toMatch(/^(ham|spam)$/);
      expect(await app.exited).toBe(0);
    } finally {
      await app.stop();
    }
  }, 120_000);

  test("MESH_DRAIN_MS bounds the drain: a request that never completes is cut off and the process exits 0", async () => {
    // The body timeout is an hour: only the drain deadline can end this request.
    const app = await startAppPy(ir, staged!, { MESH_DRAIN_MS: "300", MESH_TIMEOUT_MS: "3600000" });
    try {
      const stuck = await halfSentPredict(app.port, `${ir.serve.api.basePath}/predict`);
      expect((await fetch(`${app.url}/ready`)).status).toBe(200);
      app.signal("SIGTERM");
      expect(await app.exited).toBe(0);
      expect(await stuck.response).not.toMatch(/^HTTP\/1\.1 200 /);
      expect(app.log()).toContain("drain deadline");
    } finally {
      await app.stop();
    }
  }, 120_000);
});
