/**
 * The pieces of `mesh test` / `mesh load` that need no model server: answer matching with
 * tolerance, load bodies and report, and the server process lifecycle (ready wait, stop by
 * PID, a server that dies early) with a tiny stand-in HTTP server.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, test } from "vitest";
import { mismatches } from "../../../compiler/servetest/expect-match.js";
import { freeLoopbackPort } from "../../../compiler/servetest/free-port.js";
import { loadBodies, loadTable, type LoadReport } from "../../../compiler/servetest/load-test.js";
import { writeLoadReport } from "../../../compiler/servetest/load-report.js";
import { checkLine } from "../../../compiler/servetest/run-test.js";
import { sampleRow } from "../../../compiler/servetest/sample-row.js";
import { startServerProcess } from "../../../compiler/servetest/server-process.js";
import { createFeaturizer } from "../../../runtimes/features/index.js";
import { exampleIR } from "../../support/servegen/fixtures.js";

const scratch = mkdtempSync(join(tmpdir(), "servegen-servetest-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe("expected fields of an example", () => {
  test("names only what the example names; numbers within tolerance", () => {
    expect(mismatches({ label: "spam", score: 0.97 }, { label: "spam" })).toEqual([]);
    expect(mismatches({ label: "ham", score: 0.2 }, { label: "spam" })).toEqual(['/label: expected "spam", got "ham"']);
    expect(mismatches({ score: 0.9705 }, { score: 0.97 })).toEqual([]);
    expect(mismatches({ score: 0.975 }, { score: 0.97 })).toHaveLength(1);
    expect(mismatches({ scores: { a: 0.5, b: 0.5 } }, { scores: { a: 0.5, b: 0.4 } })).toEqual(["/scores/b: expected 0.4, got 0.5"]);
    expect(mismatches({ rows: [1, 2] }, { rows: [1, 2, 3] })).toHaveLength(1);
    expect(mismatches({}, { label: "spam" })).toEqual(['/label: expected "spam", got undefined']);
  });

  test("check lines", () => {
    expect(checkLine({ name: "live", ok: true })).toBe("ok    live");
    expect(checkLine({ name: "ready", ok: false, detail: "503" })).toBe("FAIL  ready: 503");
  });
});

describe("load bodies and report", () => {
  test("bodies are the spec's examples in the predict envelope", async () => {
    const ir = await exampleIR("spam");
    const bodies = loadBodies(ir).map((b) => JSON.parse(b));
    expect(bodies).toEqual(ir.serve.examples.map((e) => ({ data: { namespace: "spam", attributes: e.attributes } })));
  });

  test("the V2 sample row is the first example, featurized by the shared featurizer", async () => {
    const ir = await exampleIR("spam");
    const row = sampleRow(ir)!;
    const expected = new Float32Array(4096);
    createFeaturizer(ir.model.features as never).encode(ir.serve.examples[0]!.attributes, expected, 0);
    expect(row.tensor).toEqual({ name: "features", shape: [1, 4096], datatype: "FP32", data: Array.from(expected) });
    expect(row.tensor.data.some((x) => typeof x === "number" && x > 0)).toBe(true);
  });

  const report: LoadReport = {
    project: "spam",
    model: "m.onnx",
    url: "http://127.0.0.1:1/spam/v1/predict",
    durationS: 5,
    connections: 16,
    requests: { total: 10_000, perSecond: 2000 },
    latencyMs: { p50: 3, p90: 5, p99: 30, max: 40, mean: 4 },
    errors: { connection: 0, timeouts: 0, non2xx: 0 },
    slo: { p99Ms: 25, minRps: 1000 },
    checks: { p99: false, rps: true, errors: true },
    ok: false,
  };

  test("the table shows each slo check and marks the missed one", () => {
    const table = loadTable(report);
    expect(table).toMatch(/p99 latency\s+30 ms\s+<= 25 ms\s+MISSED/);
    expect(table).toMatch(/throughput\s+2000 req\/s\s+>= 1000 req\/s\s+ok/);
  });

  test("the report goes to .mesh/reports/<name>/load.json, never into out/", () => {
    const path = writeLoadReport(scratch, report, new Date("2026-01-02T03:04:05Z"));
    expect(path).toBe(join(".mesh", "reports", "spam", "load.json"));
    const saved = JSON.parse(readFileSync(join(scratch, path), "utf8"));
    expect(saved).toMatchObject({ project: "spam", ok: false, finishedAt: "2026-01-02T03:04:05.000Z", latencyMs: { p99: 30 } });
  });
});

describe("server process", () => {
  const standIn = join(scratch, "stand-in.mjs");
  writeFileSync(
    standIn,
    [
      'import { createServer } from "node:http";',
      "if (process.env.STAND_IN_FAIL) { console.error('cannot load model'); process.exit(3); }",
      "let ready = false; setTimeout(() => { ready = true; }, 200);",
      "const s = createServer((req, res) => { res.statusCode = ready ? 200 : 503; res.end(JSON.stringify({ ready, host: process.env.MESH_HOST, stray: process.env.MESH_STRAY ?? null })); });",
      "s.listen(Number(process.env.MESH_PORT), process.env.MESH_HOST);",
      "process.on('SIGTERM', () => s.close(() => process.exit(0)));",
    ].join("\n"),
  );

  test("waits for ready on loopback, passes only the MESH_* it is given, stops by PID", async () => {
    process.env.MESH_STRAY = "1";
    const port = await freeLoopbackPort();
    const server = startServerProcess({ mainJs: standIn, cwd: scratch, port, env: {} });
    delete process.env.MESH_STRAY;
    try {
      await server.waitReady("/ready", 10_000);
      const body = await (await fetch(`${server.baseUrl}/ready`)).json();
      expect(body).toEqual({ ready: true, host: "127.0.0.1", stray: null });
    } finally {
      expect(await server.stop(5_000)).toBe(0);
    }
    expect(() => process.kill(server.pid, 0)).toThrow();
  });

  test("a server that exits before ready is reported with its output", async () => {
    const port = await freeLoopbackPort();
    const server = startServerProcess({ mainJs: standIn, cwd: scratch, port, env: { STAND_IN_FAIL: "1" } });
    await expect(server.waitReady("/ready", 10_000)).rejects.toThrow(/exited \(code 3\)/);
    expect(server.logTail()).toContain("cannot load model");
    expect(await server.stop(1_000)).toBe(3);
  });
});
