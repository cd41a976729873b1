/**
 * spam end to end, the way a user runs it: `mesh generate` writes out/spam with its Neuron
 * folders, `mesh run spam --no-serve` trains, `make -C out/spam compile-neuron-cpu` traces
 * on CPU (torch.jit.trace at [8, 4096]), validates against the ONNX golden predictions and
 * registers SPAM-COMPILED-<n>. Then the generated Python server (serve-neuron/app.py on
 * uvicorn, 127.0.0.1, a free port, stopped by PID) serves that artifact and passes the same
 * contract checks `mesh test` runs against the TypeScript server, and its scores equal
 * the trained model's golden predictions.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { nodeHost } from "../../../compiler/host.js";
import { compileProject } from "../../../compiler/pipeline.js";
import { loadGeneratedClient } from "../../../compiler/servetest/client-shape.js";
import { runContractChecks } from "../../../compiler/servetest/contract-checks.js";
import { prepareProject } from "../../../compiler/servetest/prepare.js";
import { withServer } from "../../../compiler/servetest/with-server.js";
import { openRegistry, type MeshRegistry, type ModelRef } from "../../../runtimes/registry/index.js";
import { createWorkspace, ensureBuilt, type Workspace } from "../../support/servegen/workspace.js";
import { REPO, run } from "../../support/neuron/support.js";
import { type AppProcess, startAppPy } from "../../support/neuron/app-process.js";

let ws: Workspace;
let registryUri: string;
let registry: MeshRegistry;
let make: Awaited<ReturnType<typeof run>>;

beforeAll(async () => {
  await ensureBuilt();
  ws = createWorkspace();
  ws.copy(path.join(REPO, "projects/spam/project.yaml"), "projects/spam/project.yaml");
  registryUri = `file://${ws.root}/registry`;
  registry = openRegistry(registryUri);
  const gen = await ws.mesh("generate");
  expect(gen.stderr).toBe("");
  const trained = await ws.mesh("run", "spam", "--no-serve", "--registry", registryUri);
  expect(trained.code, trained.stderr).toBe(0);
  make = await run("make", ["-C", path.join(ws.root, "out/spam"), "compile-neuron-cpu", `MESH=node ${REPO}/bin/mesh.js`, `REGISTRY=${registryUri}`], { timeout: 300_000 });
}, 600_000);

afterAll(() => ws?.remove());

const compiled = (version: number): ModelRef => ({ project: "spam", key: "SPAM", stage: "COMPILED", version });

describe("make -C out/spam compile-neuron-cpu", () => {
  test("writes the Neuron folders with mesh generate", () => {
    for (const f of ["compile/neuron/compile.py", "compile/neuron/validate.py", "compile/neuron/run.sh", "serve-neuron/app.py", "serve-neuron/api.json"]) {
      expect(fs.existsSync(path.join(ws.root, "out/spam", f)), f).toBe(true);
    }
    expect(fs.statSync(path.join(ws.root, "out/spam/compile/neuron/run.sh")).mode & 0o111).not.toBe(0);
  });

  test("traces, validates and registers SPAM-COMPILED-2 from SPAM-TRAINED-1, lineage both ways", async () => {
    expect(make.code, make.stderr).toBe(0);
    expect(make.stdout).toMatch(/\[1\/1\] compile {2}done in \d+\.\d\d s: SPAM-COMPILED-2 ← SPAM-TRAINED-1 \[cpu \(torch\.jit\.trace of the inf2 target, batch 8\)\], max \|Δ\| \d\.\d\de-\d+/);
    expect(make.stderr).toMatch(/compile\.py: traced 4096 -> 2 for cpu at \[8, 4096\]/);
    const card = await registry.readModelCard(compiled(2));
    expect(card).toMatchObject({ type: "compiled", parent: "SPAM-TRAINED-1", target: { kind: "cpu", instance: "inf2", batchSize: 8 } });
    expect((card.metrics.validation as { rows: number; maxAbsDiff: number }).rows).toBe(200);
    expect((card.metrics.validation as { maxAbsDiff: number }).maxAbsDiff).toBeLessThan(1e-5);
    const children = await registry.listChildren({ project: "spam", key: "SPAM", stage: "TRAINED", version: 1 });
    expect(children.map((c) => c.version)).toEqual([1, 2]);
  });
});

describe("the Python Neuron server on the CPU-traced artifact", () => {
  let app: AppProcess | undefined;
  let baseUrl = "";
  let modelDir = "";

  beforeAll(async () => {
    modelDir = path.join(ws.root, "model");
    await registry.downloadModel(compiled(2), modelDir);
    const ir = (await compileProject(nodeHost(ws.root), "spam")).value!;
    app = await startAppPy(ir, { serverDir: path.join(ws.root, "out/spam/serve-neuron"), modelDir });
    baseUrl = app.root;
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
  });

  test("passes every contract check mesh test runs against the TypeScript server", async () => {
    const ir = (await compileProject(nodeHost(ws.root), "spam")).value!;
    const client = await loadGeneratedClient(path.join(ws.root, "out/spam/client/client.js"), baseUrl);
    const openapiFile = JSON.parse(fs.readFileSync(path.join(ws.root, "out/spam/openapi.json"), "utf8")) as unknown;
    const results = await runContractChecks({ ir, baseUrl, client, openapiFile });
    expect(results.filter((r) => !r.ok)).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(18);
  });

  test("answers the golden rows with the trained model's probabilities (batch form, in order)", async () => {
    const inputs = JSON.parse(fs.readFileSync(path.join(modelDir, "test_files/inputs.json"), "utf8")) as { text: string }[];
    const golden = JSON.parse(fs.readFileSync(path.join(modelDir, "test_files/predictions.json"), "utf8")) as number[][];
    const rows = inputs.slice(0, 64);
    const res = await fetch(`${baseUrl}/spam/v1/predict`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ data: { namespace: "spam", attributes: { text: rows.map((r) => r.text) } } }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { version: number; data: { namespace: string; attributes: { label: string[]; score: number[] } } };
    expect(body.version).toBe(1);
    expect(body.data.namespace).toBe("spam");
    body.data.attributes.label.forEach((label, i) => {
      const p = golden[i]!;
      expect(label).toBe(p[1]! >= 0.5 ? "spam" : "ham");
      expect(Math.abs(body.data.attributes.score[i]! - p[label === "spam" ? 1 : 0]!)).toBeLessThan(1e-5);
    });
  });

  test("bad bodies get the contract's codes and pointers, and never disturb the server", async () => {
    const post = (body: string, type = "application/json") =>
      fetch(`${baseUrl}/spam/v1/predict`, { method: "POST", headers: { "content-type": type }, body }).then(async (r) => ({
        status: r.status,
        json: (await r.json()) as { errors: { code: string; source?: { pointer: string } }[] },
      }));
    const cases: [string, number, string, string | undefined][] = [
      ['{"data":{"namespace":"spam","attributes":{"text":1}}}', 400, "invalid_type", "/data/attributes/text"],
      ['{"data":{"namespace":"spam","attributes":{"text":[]}}}', 400, "empty_batch", "/data/attributes/text"],
      [`{"data":{"namespace":"spam","attributes":{"text":${JSON.stringify(Array(65).fill("x"))}}}}`, 400, "too_many_rows", "/data/attributes/text"],
      ['{"data":{"namespace":"spam","attributes":{"text":"x"},"parameters":{"threshold":2}}}', 400, "out_of_range", "/data/parameters/threshold"],
      ['{"data":{"namespace":"spam","attributes":{"text":"x"},"parameters":{"threshold":true}}}', 400, "invalid_type", "/data/parameters/threshold"],
      ['{"data":{"namespace":"spam","attributes":{"text":"x"}},"extra":1}', 400, "unknown_field", "/extra"],
      ['{"data":{"namespace":"spam","attributes":{"text":"x"},"parameters":{"threshold":NaN}}}', 400, "malformed_json", ""],
      ["[1]", 400, "invalid_type", ""],
      ['{"nodata":1}', 400, "unknown_field", "/nodata"],
      [`{"data":{"namespace":"spam","attributes":{"text":"${"a".repeat(100_001)}"}}}`, 400, "too_long", "/data/attributes/text"],
      [`{"data":{"namespace":"spam","attributes":{"text":"x"},"parameters":{"threshold":1${"0".repeat(400)}}}}`, 400, "not_finite", "/data/parameters/threshold"],
    ];
    for (const [body, status, code, pointer] of cases) {
      const r = await post(body);
      expect([r.status, r.json.errors[0]!.code, r.json.errors[0]!.source?.pointer], body.slice(0, 80)).toEqual([status, code, pointer]);
    }
    // Nested past Python's recursion limit: still a 400 (the TypeScript server parses it and refuses the array).
    expect((await post(`${"[".repeat(100_000)}${"]".repeat(100_000)}`)).status).toBe(400);
    const v2ok = await fetch(`${baseUrl}/v2/models/spam/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: `{"id":"a","inputs":[{"name":"features","datatype":"FP32","shape":[1.0,4096],"data":[${Array(4096).fill(0).join(",")}]}]}`,
    });
    expect(v2ok.status).toBe(200);
    expect((await v2ok.json()) as { id: string; outputs: { shape: number[] }[] }).toMatchObject({
      id: "a",
      model_name: "spam",
      model_version: "SPAM-COMPILED-2",
      outputs: [{ name: "probabilities", datatype: "FP32", shape: [1, 2] }],
    });
    const v2 = await fetch(`${baseUrl}/v2/models/spam/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ inputs: [{ name: "features", datatype: "FP32", shape: [1, 4096], data: [Array(4095).fill(0)] }] }),
    });
    expect(v2.status).toBe(400);
    expect(((await v2.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe("invalid_size");
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/^mesh_http_errors_total\{code="too_many_rows"\} 1$/m);
    expect(metrics).toMatch(/^mesh_batch_rows_count \d+$/m);
    expect(metrics).toMatch(/^mesh_model_info\{name="spam",version="SPAM-COMPILED-2",alias="",spec_hash="[0-9a-f]{64}"\} 1$/m);
    expect((await fetch(`${baseUrl}/spam/v1/ready`)).status).toBe(200);
  });

  test("answers exactly like the TypeScript server (same model in ONNX), body for body", async () => {
    const onnxDir = path.join(ws.root, "onnx-model");
    await registry.downloadModel(compiled(1), onnxDir);
    const outcome = await prepareProject(ws.root, "spam", { model: path.join(onnxDir, "model.onnx") });
    if (!outcome.ok) throw new Error(outcome.message);
    const ns = { namespace: "spam" };
    const predict: [string, string, string?][] = [
      ["single", JSON.stringify({ data: { ...ns, attributes: { text: "WIN cash now, click here" } } })],
      ["batch with threshold", JSON.stringify({ data: { ...ns, attributes: { text: ["hello there", "FREE money!!!", ""] }, parameters: { threshold: 0.2 } } })],
      ["identifier null", JSON.stringify({ data: { ...ns, identifier: null, attributes: { text: "x" } } })],
      ["array body", "[1]"],
      ["data not object", '{"data":1}'],
      ["no data", "{}"],
      ["extra members", '{"data":{},"a":1,"b/c~":2}'],
      ["everything wrong in data", JSON.stringify({ data: { namespace: "x", identifier: 5, attributes: { text: 1, other: 2 }, parameters: { threshold: "high", nope: 1 }, extra: true } })],
      ["no namespace", JSON.stringify({ data: { attributes: { text: "x" } } })],
      ["attributes missing", JSON.stringify({ data: { ...ns } })],
      ["attributes null", JSON.stringify({ data: { ...ns, attributes: null } })],
      ["attributes array", JSON.stringify({ data: { ...ns, attributes: ["x"] } })],
      ["text missing", JSON.stringify({ data: { ...ns, attributes: {} } })],
      ["text null", JSON.stringify({ data: { ...ns, attributes: { text: null } } })],
      ["text too long (code points: 100,001 astral characters)", JSON.stringify({ data: { ...ns, attributes: { text: "😀".repeat(100_001) } } })],
      ["astral text at the limit (100,000 code points, 200,000 UTF-16 units) is accepted", JSON.stringify({ data: { ...ns, attributes: { text: "😀".repeat(100_000) } } })],
      ["batch empty", JSON.stringify({ data: { ...ns, attributes: { text: [] } } })],
      ["batch too long", JSON.stringify({ data: { ...ns, attributes: { text: Array(65).fill("a") } } })],
      ["bad rows in a batch", JSON.stringify({ data: { ...ns, attributes: { text: ["a", 1, "b", null, true, "c".repeat(100_001)] } } })],
      ["parameters not object", JSON.stringify({ data: { ...ns, attributes: { text: "x" }, parameters: [1] } })],
      ["threshold out of range", JSON.stringify({ data: { ...ns, attributes: { text: "x" }, parameters: { threshold: -0.5 } } })],
      ["threshold infinite", `{"data":{"namespace":"spam","attributes":{"text":"x"},"parameters":{"threshold":1e999}}}`],
      ["wrong content type", JSON.stringify({ data: { ...ns, attributes: { text: "x" } } }), "text/plain"],
    ];
    const row = Array(4096).fill(0);
    const infer: [string, unknown][] = [
      ["one row", { id: "r1", inputs: [{ name: "features", datatype: "FP32", shape: [1, 4096], data: row }] }],
      ["nested data, two rows", { inputs: [{ name: "features", datatype: "FP32", shape: [2, 4096], data: [row, row] }], outputs: [{ name: "probabilities" }] }],
      ["not an object", [1]],
      ["no inputs", {}],
      ["inputs not array", { inputs: 1, extra: 1, id: 3 }],
      ["unknown input", { inputs: [{ name: "x", datatype: "FP32", shape: [1, 4096], data: row }] }],
      [
        "duplicate input",
        {
          inputs: [
            { name: "features", datatype: "FP32", shape: [1, 4096], data: row },
            { name: "features", datatype: "FP32", shape: [1, 4096], data: row },
          ],
        },
      ],
      ["wrong datatype and unknown member", { inputs: [{ name: "features", datatype: "INT64", shape: [1, 4096], data: row, foo: 1 }] }],
      ["wrong rank", { inputs: [{ name: "features", datatype: "FP32", shape: [4096], data: row }] }],
      ["wrong width", { inputs: [{ name: "features", datatype: "FP32", shape: [1, 4095], data: row }] }],
      ["zero rows", { inputs: [{ name: "features", datatype: "FP32", shape: [0, 4096], data: [] }] }],
      ["too many rows", { inputs: [{ name: "features", datatype: "FP32", shape: [65, 4096], data: [] }] }],
      ["bad shape values", { inputs: [{ name: "features", datatype: "FP32", shape: [1.5, -1], data: row }] }],
      ["data not numbers", { inputs: [{ name: "features", datatype: "FP32", shape: [1, 4096], data: ["a"] }] }],
      ["data wrong size", { inputs: [{ name: "features", datatype: "FP32", shape: [1, 4096], data: [1, 2] }] }],
      ["unknown output", { inputs: [{ name: "features", datatype: "FP32", shape: [1, 4096], data: row }], outputs: [{ name: "logits" }, 3, { name: null }, { name: "é" }] }],
      [
        "unnamed input, missing datatype",
        {
          inputs: [
            { shape: [1, 4096], data: row },
            { name: "features", shape: [1, 4096], data: row },
          ],
        },
      ],
      ["datatype given as numbers", { inputs: [{ name: "features", datatype: 1.0, shape: [1, 4096], data: row }] }],
    ];
    type Answer = { status: number; body: unknown };
    const ask = async (base: string, method: string, route: string, body?: string, type = "application/json"): Promise<Answer> => {
      const r = await fetch(base + route, { method, ...(body !== undefined ? { body, headers: { "content-type": type } } : {}) });
      const text = await r.text();
      return { status: r.status, body: JSON.parse(text) as unknown };
    };
    // Scores agree to float32 rounding (ONNX Runtime and torch sum in different orders); all else exactly.
    const rounded = (v: unknown): unknown =>
      typeof v === "number"
        ? Math.round(v * 1e5) / 1e5
        : Array.isArray(v)
          ? v.map(rounded)
          : v && typeof v === "object"
            ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === "model_version" ? "(version)" : rounded(x)]))
            : v;
    await withServer(outcome.prepared, async (ts) => {
      for (const [name, body, type] of predict) {
        const [a, b] = [await ask(ts.baseUrl, "POST", "/spam/v1/predict", body, type), await ask(baseUrl, "POST", "/spam/v1/predict", body, type)];
        expect(rounded(b), name).toEqual(rounded(a));
      }
      for (const [name, body] of infer) {
        const [a, b] = [await ask(ts.baseUrl, "POST", "/v2/models/spam/infer", JSON.stringify(body)), await ask(baseUrl, "POST", "/v2/models/spam/infer", JSON.stringify(body))];
        expect(rounded(b), name).toEqual(rounded(a));
      }
      for (const [method, route] of [
        ["GET", "/spam/v1/nothing"],
        ["DELETE", "/spam/v1/predict"],
        ["GET", "/v2/health/live"],
        ["GET", "/v2"],
        ["GET", "/spam/v1/live"],
        ["GET", "/spam/v1/ready"],
        ["GET", "/v2/models/spam/ready"],
      ] as const) {
        expect(await ask(baseUrl, method, route), `${method} ${route}`).toEqual(await ask(ts.baseUrl, method, route));
      }
      const malformed = ['{"data": {', "", '{"data":{"namespace":"spam","attributes":{"text":"x"},"parameters":{"threshold":NaN}}}'];
      for (const body of malformed) {
        const [a, b] = [await ask(ts.baseUrl, "POST", "/spam/v1/predict", body), await ask(baseUrl, "POST", "/spam/v1/predict", body)];
        // The parser's own words differ (JSON.parse vs Python's json); status, code and pointer do not.
        const strip = (x: Answer) => ({ status: x.status, errors: (x.body as { errors: { code: string; source?: unknown }[] }).errors.map((e) => ({ code: e.code, source: e.source })) });
        expect(strip(b), JSON.stringify(body)).toEqual(strip(a));
      }
    });
  }, 120_000);
});
