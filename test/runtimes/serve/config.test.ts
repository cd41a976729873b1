/** Configuration: declared variables, precedence, validation messages, did-you-mean. */
import { describe, expect, test } from "vitest";
import { ENV_VARS, loadConfig } from "../../../runtimes/serve/config.js";
import { didYouMean } from "../../../runtimes/support/did-you-mean.js";

const M = { MESH_MODEL_PATH: "/m.onnx" };

describe("loadConfig", () => {
  test("declares every variable the brief lists, each with a type, default and doc", () => {
    const names = ENV_VARS.map((d) => d.name);
    for (const n of [
      "MESH_HOST",
      "MESH_PORT",
      "MESH_MODEL_PATH",
      "MESH_MODEL_CARD",
      "MESH_LOG_LEVEL",
      "MESH_WORKERS",
      "MESH_BATCH_ENABLED",
      "MESH_BATCH_MAX",
      "MESH_BATCH_DELAY_MS",
      "MESH_QUEUE_ROWS",
      "MESH_BODY_BYTES",
      "MESH_TIMEOUT_MS",
      "MESH_MAX_ROWS",
      "MESH_DRAIN_MS",
      "MESH_INTRA_OP_THREADS",
      "MESH_INTER_OP_THREADS",
      "MESH_REGISTRY",
      "MESH_MODEL_REF",
    ]) {
      expect(names).toContain(n);
    }
    for (const d of ENV_VARS) expect(d.doc.length).toBeGreaterThan(10);
    expect(new Set(names).size).toBe(names.length);
  });

  test("library default < generated (spec) default < environment", () => {
    const r = loadConfig({ ...M, MESH_BATCH_MAX: "16" }, { batchMax: 8, maxRows: 64 });
    expect(r.ok && r.config).toMatchObject({ batchMax: 16, maxRows: 64, queueRows: 1024, intraOpThreads: 1, batchEnabled: true, port: 8000 });
  });

  test("booleans and enums", () => {
    const r = loadConfig({ ...M, MESH_BATCH_ENABLED: "off", MESH_LOG_LEVEL: "debug" });
    expect(r.ok && r.config.batchEnabled).toBe(false);
    expect(r.ok && r.config.logLevel).toBe("debug");
    const bad = loadConfig({ ...M, MESH_LOG_LEVEL: "loud" });
    expect(bad.ok ? "" : bad.message).toMatch(/invalid MESH_LOG_LEVEL: expected one of fatal, error, warn, info, debug, trace, silent, got "loud"/);
  });

  test("out-of-range and malformed integers name the variable", () => {
    const r1 = loadConfig({ ...M, MESH_PORT: "70000" });
    expect(r1.ok ? "" : r1.message).toMatch(/invalid MESH_PORT: expected an integer ≤ 65535, got 70000/);
    const r2 = loadConfig({ ...M, MESH_WORKERS: "two" });
    expect(r2.ok ? "" : r2.message).toMatch(/invalid MESH_WORKERS: expected an integer, got "two"/);
  });

  test("unknown MESH_ variables are refused with a suggestion; other variables are ignored", () => {
    const r = loadConfig({ ...M, MESH_QUEUE_ROW: "5", PATH: "/bin" });
    expect(r.ok ? "" : r.message).toMatch(/^unknown environment variable MESH_QUEUE_ROW \(did you mean MESH_QUEUE_ROWS\?\)/);
    const far = loadConfig({ ...M, MESH_COMPLETELY_DIFFERENT: "1" });
    expect(far.ok ? "" : far.message).toMatch(/^unknown environment variable MESH_COMPLETELY_DIFFERENT; the server reads only: MESH_HOST/);
  });

  test("a model is required; max rows must fit the queue", () => {
    const r = loadConfig({});
    expect(r.ok ? "" : r.message).toMatch(/no model to serve: set MESH_MODEL_PATH/);
    const q = loadConfig({ ...M, MESH_MAX_ROWS: "100", MESH_QUEUE_ROWS: "50" });
    expect(q.ok ? "" : q.message).toMatch(/MESH_MAX_ROWS: 100 exceeds MESH_QUEUE_ROWS \(50\)/);
  });

  test("a bad value in the generated defaults is reported as such", () => {
    const r = loadConfig(M, { port: -1 });
    expect(r.ok ? "" : r.message).toMatch(/invalid default for MESH_PORT from the generated code/);
  });

  test("did-you-mean", () => {
    expect(didYouMean("MESH_PROT", ["MESH_PORT", "MESH_HOST"])).toBe("MESH_PORT");
    expect(didYouMean("XYZ", ["MESH_PORT"])).toBeUndefined();
  });
});
