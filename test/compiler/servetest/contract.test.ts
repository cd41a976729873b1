/**
 * End to end: `mesh test` and `mesh load` against real generated servers (the server
 * library over onnxruntime-node) on loopback, and the generated client used directly —
 * typed errors with the CONTRACTS error list, batches, V2 infer, timeouts.
 */
import { createServer, type Server } from "node:net";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { prepareProject, type Prepared } from "../../../compiler/servetest/prepare.js";
import { withServer } from "../../../compiler/servetest/with-server.js";
import { REPO } from "../../support/servegen/fixtures.js";
import { tabularModel, tabularSpec } from "../../support/servegen/tabular-project.js";
import { textModel, textProbabilities, textSpec } from "../../support/servegen/text-project.js";
import { createWorkspace, ensureBuilt, type Workspace } from "../../support/servegen/workspace.js";

let ws: Workspace;

beforeAll(async () => {
  await ensureBuilt();
  ws = createWorkspace();
  ws.write("models/text.onnx", textModel());
  ws.writeSpec("textdemo", textSpec("textdemo", { slo: { p99_ms: 5000, min_rps: 1 } }));
  ws.writeSpec("textwrong", textSpec("textwrong", { wrongFirst: true }));
  ws.writeSpec("textslow", textSpec("textslow", { slo: { p99_ms: 5000, min_rps: 1e9 } }));
  ws.write("models/tabular.onnx", tabularModel());
  ws.writeSpec("tabdemo", tabularSpec("tabdemo"));
  ws.copy(join(REPO, "projects/colors/project.yaml"), "projects/colors/project.yaml");
  ws.copy(join(REPO, "projects/colors/model.onnx"), "projects/colors/model.onnx");
}, 180_000);

afterAll(() => ws?.remove());

describe("mesh test", () => {
  test("passes every check of a correct project and says so", async () => {
    const r = await ws.mesh("test", "textdemo", "--model", "models/text.onnx");
    expect(r.stderr).toBe("");
    const lines = r.stdout.trim().split("\n");
    expect(lines).toContain("ok    live");
    expect(lines).toContain("ok    ready");
    expect(lines).toContain("ok    openapi.json served equals out/textdemo/openapi.json");
    expect(lines).toContain("ok    wrong namespace → 400 at /data/namespace");
    expect(lines).toContain("ok    V2 infer of one row agrees with v1 predict");
    expect(lines).toContain('ok    example "text 1"');
    expect(lines.filter((l) => l.startsWith("FAIL"))).toEqual([]);
    expect(lines.at(-1)).toMatch(/^\d+ passed, 0 failed$/);
    expect(r.code).toBe(0);
    // It generated what it served.
    expect(existsSync(join(ws.root, "out/textdemo/serve/main.js"))).toBe(true);
  });

  test("fails, names the example and exits 1 when an expectation is wrong", async () => {
    const r = await ws.mesh("test", "textwrong", "--model", "models/text.onnx");
    expect(r.stdout).toMatch(/^FAIL {2}example "text 1": \/label: expected "(ham|spam)", got "(ham|spam)"/m);
    expect(r.stdout.trim().split("\n").at(-1)).toMatch(/^\d+ passed, 1 failed$/);
    expect(r.code).toBe(1);
  });

  test("packs tabular columns in the spec's order (computed expectations)", async () => {
    const r = await ws.mesh("test", "tabdemo", "--model", "models/tabular.onnx");
    expect(r.stderr).toBe("");
    expect(r.stdout.split("\n").filter((l) => l.startsWith("FAIL"))).toEqual([]);
    expect(r.stdout).toContain('ok    example "row 4"');
    expect(r.code).toBe(0);
  });

  test("serves an App from its spec folder (colors)", async () => {
    const r = await ws.mesh("test", "colors");
    expect(r.stdout.split("\n").filter((l) => l.startsWith("FAIL"))).toEqual([]);
    expect(r.stdout).toContain('ok    example "sky blue"');
    expect(r.code).toBe(0);
  });

  test("without --model and with an empty registry, preparing says what to do", async () => {
    const p = await prepareProject(ws.root, "textdemo", {});
    expect(p).toEqual({ ok: false, message: "no model of textdemo in file://.mesh/registry: run `mesh run textdemo --no-serve` first, or pass --model PATH" });
  });
});

describe("mesh load", () => {
  test("meets a reachable slo, writes the report under .mesh/reports", async () => {
    const r = await ws.mesh("load", "textdemo", "--model", "models/text.onnx", "--duration", "1", "--connections", "2");
    expect(r.stdout).toMatch(/throughput\s+\d+ req\/s\s+>= 1 req\/s\s+ok/);
    expect(r.code).toBe(0);
    const report = JSON.parse(readFileSync(join(ws.root, ".mesh/reports/textdemo/load.json"), "utf8"));
    expect(report).toMatchObject({ project: "textdemo", connections: 2, durationS: 1, ok: true, errors: { non2xx: 0 } });
    expect(report.requests.total).toBeGreaterThan(0);
    expect(existsSync(join(ws.root, "out/textdemo/.reports"))).toBe(false);
  });

  test("misses an unreachable slo and exits 1", async () => {
    const r = await ws.mesh("load", "textslow", "--model", "models/text.onnx", "--duration", "1", "--connections", "2");
    expect(r.stdout).toMatch(/throughput\s+\d+ req\/s\s+>= 1000000000 req\/s\s+MISSED/);
    expect(r.stderr).toContain("missed its slo");
    expect(r.code).toBe(1);
  });

  test("bad flags are usage errors", async () => {
    const r = await ws.mesh("load", "textdemo", "--duration", "0");
    expect(r.code).toBe(2);
  });
});

describe("the generated client against the generated server", () => {
  let prepared: Prepared;
  beforeAll(async () => {
    await ws.mesh("generate");
    const p = await prepareProject(ws.root, "textdemo", { model: join(ws.root, "models/text.onnx") });
    if (!p.ok) throw new Error(p.message);
    prepared = p.prepared;
  }, 60_000);

  test("predict, predictBatch, infer, typed errors", async () => {
    await withServer(prepared, async (server) => {
      const mod = await import(pathToFileURL(join(ws.root, "out/textdemo/client/client.js")).href);
      const client = new mod.Client({ baseUrl: server.baseUrl });
      const text = "win a free cruise now";
      const p = textProbabilities(text);
      const one = await client.predict({ text });
      expect(one.scores.spam).toBeCloseTo(p[1]!, 4);
      expect(one.label).toBe(p[1]! >= 0.5 ? "spam" : "ham");
      // The threshold parameter moves the decision.
      expect((await client.predict({ text }, { threshold: 0 })).label).toBe("spam");
      expect((await client.predict({ text }, { threshold: 1 })).label).toBe(p[1] === 1 ? "spam" : "ham");
      const rows = await client.predictBatch([{ text }, { text: "lunch?" }, { text }]);
      expect(rows.map((r: { label: string }) => r.label)).toEqual([one.label, (await client.predict({ text: "lunch?" })).label, one.label]);
      expect(rows[0].score).toBeCloseTo(one.score, 6);

      const err = await client.predict({ text: 42 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(mod.ApiError);
      expect(err.status).toBe(400);
      expect(err.errors[0]).toMatchObject({ status: "400", code: "invalid_type", source: { pointer: "/data/attributes/text" } });
      const many = await client.predictBatch(Array.from({ length: 17 }, () => ({ text }))).catch((e: unknown) => e);
      expect(many.errors[0]).toMatchObject({ code: "too_many_rows", source: { pointer: "/data/attributes/text" } });

      const bad = await client.infer([{ name: "features", shape: [1, 3], datatype: "FP32", data: [1, 2, 3] }]).catch((e: unknown) => e);
      expect(bad).toBeInstanceOf(mod.ApiError);
      expect(bad.status).toBeGreaterThanOrEqual(400);
      expect(bad.status).toBeLessThan(500);
      expect(await client.live()).toBe(true);
      expect(await client.ready()).toBe(true);
    });
  });

  test("a silent server makes the client time out with a TimeoutError", async () => {
    const silent: Server = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", r));
    try {
      const port = (silent.address() as { port: number }).port;
      const mod = await import(pathToFileURL(join(ws.root, "out/textdemo/client/client.js")).href);
      const client = new mod.Client({ baseUrl: `http://127.0.0.1:${port}`, timeoutMs: 200 });
      const err = await client.live().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(mod.TimeoutError);
    } finally {
      silent.close();
    }
  });
});
