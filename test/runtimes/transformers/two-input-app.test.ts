/**
 * A new user's first transformer: an App whose ONNX model takes two INT64 inputs
 * (`input_ids`, `attention_mask`, dynamic sequence length). It validates, generates, answers
 * on v1 and V2 for one token and for many, in the single and the batch form (rows of
 * different lengths included), refuses what the model cannot take with a 400, and passes
 * `mesh test` — the case that used to answer 500 while /ready said true.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type ServerHandle } from "../../../runtimes/serve/server.js";
import type { ServiceDefinition } from "../../../runtimes/serve/definition.js";
import { call, memoryLogger, testConfig, type Reply } from "../../support/serve/helpers.js";
import { REPO } from "../../support/frontend/helpers.js";

const MODEL = join(REPO, "test/fixtures/models/two-input/model.onnx");
let root: string;
let h: ServerHandle;

const spec = (sha256: string) => `apiVersion: mesh/v1
kind: App
name: pair
key: PAIR
model:
  source: { uri: "file://model.onnx", sha256: ${sha256} }
  labels: [negative, neutral, positive]
steps:
  serve:
    port: 8099
    examples:
      - name: one token
        attributes: { input_ids: [5], attention_mask: [1] }
      - name: four tokens
        attributes: { input_ids: [0, 11, 12, 2], attention_mask: [1, 1, 1, 1] }
`;

const mesh = (...args: string[]) => spawnSync("node", [join(REPO, "bin/mesh.js"), ...args], { cwd: root, encoding: "utf8", timeout: 120_000 });
const post = (path: string, body: unknown) => call(h.url, "POST", path, JSON.stringify(body), { "content-type": "application/json" });
const attributes = (r: Reply) => (r.json() as { data: { attributes: Record<string, unknown> } }).data.attributes;

beforeAll(async () => {
  mkdirSync(join(REPO, ".mesh", "tmp"), { recursive: true });
  root = mkdtempSync(join(REPO, ".mesh", "tmp", "two-input-"));
  mkdirSync(join(root, "projects", "pair"), { recursive: true });
  copyFileSync(MODEL, join(root, "projects", "pair", "model.onnx"));
  writeFileSync(join(root, "projects", "pair", "project.yaml"), spec(createHash("sha256").update(readFileSync(MODEL)).digest("hex")));
  writeFileSync(join(root, "mesh.yaml"), "apiVersion: mesh/v1\nkind: Workspace\n");
  const gen = mesh("generate");
  if (gen.status !== 0) throw new Error(`mesh generate failed: ${gen.stdout}${gen.stderr}`);
  const mod = (await import(pathToFileURL(join(root, "out/pair/serve/definition.js")).href)) as { definition: ServiceDefinition };
  h = await startServer(mod.definition, testConfig({ modelPath: join(root, "projects/pair/model.onnx") }), { logger: memoryLogger("error").logger });
  await h.ready;
}, 180_000);

afterAll(async () => {
  await h?.close();
  rmSync(root, { recursive: true, force: true });
});

describe("a two-input App with a dynamic sequence length", () => {
  it("answers one token and four tokens, alone and in one batch of different lengths", async () => {
    const one = await post("/pair/v1/predict", { data: { namespace: "pair", attributes: { input_ids: [5], attention_mask: [1] } } });
    expect(one.status, one.text).toBe(200);
    const four = await post("/pair/v1/predict", { data: { namespace: "pair", attributes: { input_ids: [0, 11, 12, 2], attention_mask: [1, 1, 1, 1] } } });
    expect(four.status, four.text).toBe(200);
    const batch = await post("/pair/v1/predict", { data: { namespace: "pair", attributes: { input_ids: [[5], [0, 11, 12, 2]], attention_mask: [[1], [1, 1, 1, 1]] } } });
    expect(batch.status, batch.text).toBe(200);
    const b = attributes(batch) as { label: string[]; score: number[] };
    expect(b.label).toEqual([attributes(one)["label"], attributes(four)["label"]]);
    expect(b.score[1]).toBeCloseTo(attributes(four)["score"] as number, 5);
  });

  it("answers on V2 with both inputs, and agrees with v1", async () => {
    const r = await post("/v2/models/pair/infer", {
      inputs: [
        { name: "input_ids", shape: [1, 4], datatype: "INT64", data: [0, 11, 12, 2] },
        { name: "attention_mask", shape: [1, 4], datatype: "INT64", data: [1, 1, 1, 1] },
      ],
    });
    expect(r.status, r.text).toBe(200);
    const logits = (r.json() as { outputs: { data: number[] }[] }).outputs[0]!.data;
    expect(logits).toHaveLength(3);
  });

  it("refuses what the model cannot take with a 400 naming the field, never a 500", async () => {
    const missing = await post("/pair/v1/predict", { data: { namespace: "pair", attributes: { input_ids: [5] } } });
    expect(missing.status).toBe(400);
    expect((missing.json() as { errors: { source: { pointer: string } }[] }).errors[0]!.source.pointer).toBe("/data/attributes/attention_mask");
    const fraction = await post("/pair/v1/predict", { data: { namespace: "pair", attributes: { input_ids: [5.5], attention_mask: [1] } } });
    expect(fraction.status).toBe(400);
    const empty = await post("/pair/v1/predict", { data: { namespace: "pair", attributes: { input_ids: [], attention_mask: [] } } });
    expect(empty.status).toBe(400);
    const mismatched = await post("/pair/v1/predict", { data: { namespace: "pair", attributes: { input_ids: [0, 11, 2], attention_mask: [1, 1] } } });
    expect(mismatched.status).toBe(400);
    const v2missing = await post("/v2/models/pair/infer", { inputs: [{ name: "input_ids", shape: [1, 1], datatype: "INT64", data: [5] }] });
    expect(v2missing.status).toBe(400);
  });

  it("passes mesh test (examples, batch, V2 agreement, protocol checks)", () => {
    const r = mesh("test", "pair");
    expect(r.status, `${r.stdout}${r.stderr}`).toBe(0);
    expect(r.stdout).toMatch(/\d+ passed, 0 failed/);
  }, 120_000);
});
