/** Cross-field rules (schemas/project-rules.ts): each a diagnostic on the offending node. */
import { describe, expect, it } from "vitest";
import { colorsModel, compileLines, compileSpec, edit, exampleText, workspace } from "../../support/frontend/helpers.js";

const SPAM = exampleText("spam");
const IRIS = exampleText("iris");
const COLORS = exampleText("colors");
const S = "projects/spam/project.yaml";
const I = "projects/iris/project.yaml";

const cut = (text: string, from: string, to: string) => {
  const a = text.indexOf(from);
  const b = text.indexOf(to, a);
  if (a < 0 || b < 0) throw new Error(`cut: ${from}..${to} not found`);
  return text.slice(0, a) + text.slice(b);
};
const tagged = (lines: readonly string[]) => lines.map((l) => l.split(": ")[0]);

async function app(text: string) {
  return compileLines(workspace({ "projects/colors/project.yaml": text, "projects/colors/model.onnx": colorsModel() }));
}

describe("lifecycle order", () => {
  it("compile needs train (and a Project serves what it trains)", async () => {
    const r = await compileSpec(cut(SPAM, "  train:\n", "  compile:\n"));
    expect(r.lines).toEqual([
      `${S}:21:1 error MESH021 steps: the serve step needs the train step (a Project serves the model it trains)\n    hint: to serve an externally maintained model, use kind: App`,
      `${S}:36:3 error MESH021 steps.compile: the compile step needs the train step (it compiles the trained model)`,
    ]);
  });
  it("train needs register, register needs ingest", async () => {
    expect((await compileSpec(cut(SPAM, "  register:\n", "  train:\n"))).lines).toEqual([
      `${S}:26:3 error MESH021 steps.train: the train step needs the register step (it trains on a registered dataset)`,
    ]);
    expect((await compileSpec(cut(SPAM, "  ingest:\n", "  register:\n"))).lines).toEqual([
      `${S}:22:3 error MESH021 steps.register: the register step needs the ingest step (it registers an ingested dataset)`,
    ]);
  });
});

describe("register schema vs model", () => {
  it("needs the target column, with an enum covering the labels", async () => {
    expect((await compileSpec(edit(IRIS, "      species: { enum: [setosa, versicolor, virginica] }\n", ""))).lines).toEqual([
      `${I}:25:5 error MESH023 steps.register.schema: register.schema has no column "species", the model's target (model.target)\n    hint: add species: { enum: [setosa, versicolor, virginica] }`,
    ]);
    expect((await compileSpec(edit(IRIS, "species: { enum: [setosa, versicolor, virginica] }", "species: { enum: [setosa, other] }"))).lines).toEqual([
      `${I}:30:24 error MESH024 steps.register.schema.species.enum: enum of target column "species" lacks the model's labels versicolor, virginica (model.labels)`,
    ]);
    expect((await compileSpec(edit(IRIS, "species: { enum: [setosa, versicolor, virginica] }", "species: string"))).lines[0]).toContain(
      'MESH024 steps.register.schema.species: target column "species" needs an enum listing the model\'s labels (setosa, versicolor, virginica)',
    );
    expect((await compileSpec(edit(IRIS, "species: { enum: [setosa, versicolor, virginica] }", "species: { type: number, enum: [setosa, versicolor, virginica] }"))).lines[0]).toContain(
      'MESH024 steps.register.schema.species: target column "species" holds class labels and must be a string, not number',
    );
  });
  it("accepts an enum that is a superset of the labels", async () => {
    expect((await compileSpec(edit(IRIS, "species: { enum: [setosa, versicolor, virginica] }", "species: { enum: [setosa, versicolor, virginica, unknown] }"))).diagnostics).toEqual([]);
  });
  it("needs the features' input columns with fitting types", async () => {
    expect((await compileSpec(edit(IRIS, "      petal_width: number\n", ""))).lines).toEqual([
      `${I}:25:5 error MESH025 steps.register.schema: register.schema has no column "petal_width", an input of the standardize features\n    hint: add petal_width: number`,
    ]);
    expect((await compileSpec(edit(SPAM, "text: { type: string }", "text: { type: number }"))).lines).toEqual([
      `${S}:29:13 error MESH025 steps.register.schema.text: column "text" feeds the hashed-ngrams features and must be string, not number`,
    ]);
  });
});

describe("serve API vs task", () => {
  it("text classification reads exactly its string input", async () => {
    const r = await compileSpec(edit(SPAM, "attributes: { text: { type: string, max_length: 100000 } }", "attributes: { body: string }"));
    expect(tagged(r.lines)).toEqual([
      `${S}:50:7 error MESH026 steps.serve.api.attributes`,
      `${S}:50:21 error MESH026 steps.serve.api.attributes.body`,
      `${S}:55:9 error MESH028 steps.serve.examples.0.attributes`,
      `${S}:55:23 error MESH028 steps.serve.examples.0.attributes.text`,
      `${S}:58:9 error MESH028 steps.serve.examples.1.attributes`,
      `${S}:58:23 error MESH028 steps.serve.examples.1.attributes.text`,
    ]);
    expect(r.lines.join("\n")).toContain('text-classification reads the attribute "text" (model.features.input), which serve.api.attributes lacks');
    const r2 = await compileSpec(edit(SPAM, "attributes: { text: { type: string, max_length: 100000 } }", "attributes: { text: number }"));
    expect(r2.lines.join("\n")).toContain('MESH026 steps.serve.api.attributes.text: attribute "text" is the text the model classifies and must be a string, not number');
  });
  it("tabular classification reads exactly its numeric columns", async () => {
    const api = "api:\n      attributes: { sepal_length: number, sepal_width: integer, petal_length: string, color: string }\n      response:";
    const r = await compileSpec(edit(IRIS, "api:\n      response:", api));
    const text = r.lines.join("\n");
    expect(text).toContain('MESH026 steps.serve.api.attributes: tabular-classification reads the column "petal_width" (model.features.columns), which serve.api.attributes lacks');
    expect(text).toContain('MESH026 steps.serve.api.attributes.petal_length: attribute "petal_length" is a standardized model input and must be number or integer, not string');
    expect(text).toContain('MESH026 steps.serve.api.attributes.color: attribute "color" is not one of the model\'s columns (sepal_length, sepal_width, petal_length, petal_width)');
  });
  it("a classifier answers with label, score and scores only", async () => {
    const r = await compileSpec(edit(SPAM, "response: { label: string, score: number }", "response: { label: string, score: string, confidence: number }"));
    expect(r.lines).toEqual([
      `${S}:52:41 error MESH027 steps.serve.api.response.score: response field "score" is a number, not string`,
      `${S}:52:49 error MESH027 steps.serve.api.response.confidence: response field "confidence" is not produced by a classifier; allowed: label (string), score (number), scores (scores)`,
    ]);
  });
  it("parameter defaults fit their type, range and enum", async () => {
    const params = (p: string) => edit(SPAM, "parameters: { threshold: { type: number, default: 0.5, min: 0, max: 1 } }", `parameters: { ${p} }`);
    expect((await compileSpec(params("threshold: { type: number, default: 2, min: 0, max: 1 }"))).lines.join("\n")).toContain(
      'MESH029 steps.serve.api.parameters.threshold.default: default of parameter "threshold" must be ≤ 1, got 2',
    );
    expect((await compileSpec(params('threshold: { type: number, default: "high" }'))).lines.join("\n")).toContain('default of parameter "threshold" must be a number, got "high"');
    expect((await compileSpec(params("mode: { type: string, enum: [fast, exact], default: slow }"))).lines.join("\n")).toContain('default of parameter "mode" must be one of fast, exact, got "slow"');
    expect((await compileSpec(params("mode: { type: number, enum: [fast] }"))).lines.join("\n")).toContain('parameter "mode" has an enum, which only a string parameter may have (type: number)');
    expect((await compileSpec(params("t: { type: number, min: 2, max: 1 }"))).lines.join("\n")).toContain('parameter "t" has min 2 above max 1');
    expect((await compileSpec(params("n: { type: integer, default: 1.5 }"))).lines.join("\n")).toContain('default of parameter "n" must be an integer, got 1.5');
  });
});

describe("examples vs API", () => {
  const ex = (e: string) => edit(SPAM, "      - name: obvious spam\n", `      - ${e}\n      - name: obvious spam\n`);
  it("attributes must be declared, complete and of the right type", async () => {
    expect((await compileSpec(ex("{ attributes: { text: hi, txt: hi } }"))).lines).toEqual([
      `${S}:54:35 error MESH028 steps.serve.examples.0.attributes.txt: example attribute "txt" is not a declared attribute (declared: text)`,
    ]);
    expect((await compileSpec(ex("{ attributes: { text: 12 } }"))).lines).toEqual([
      `${S}:54:31 error MESH028 steps.serve.examples.0.attributes.text: example attribute "text" must be a string, got 12`,
    ]);
    expect((await compileSpec(ex("{ attributes: {} }"))).lines).toEqual([`${S}:54:11 error MESH028 steps.serve.examples.0.attributes: example lacks attribute "text" (string)`]);
  });
  it("accepts the batch form (a list per attribute)", async () => {
    expect((await compileSpec(ex("{ attributes: { text: [a, b] }, expect: { label: [ham, spam] } }"))).diagnostics).toEqual([]);
    expect((await compileSpec(ex("{ attributes: { text: [a, 1] } }"))).lines[0]).toContain('example attribute "text" row 2 must be a string, got 1');
  });
  it("parameters must be declared and fit; expect.label must be a label; expect keys must be response fields", async () => {
    const r = await compileSpec(ex("{ attributes: { text: hi }, parameters: { threshold: 3, temp: 1 }, expect: { label: eggs, prob: 1 } }"));
    const text = r.lines.join("\n");
    expect(text).toContain('example parameter "threshold" must be ≤ 1, got 3');
    expect(text).toContain('example parameter "temp" is not a declared parameter (declared: threshold)');
    expect(text).toContain('expect.label "eggs" is not one of the model\'s labels (ham, spam)');
    expect(text).toContain("expect.prob is not a response field (response: label, score)");
    expect(r.diagnostics.every((d) => d.code === "MESH028")).toBe(true);
  });
  it("expected values must have the response field's type", async () => {
    const text = (await compileSpec(ex("{ attributes: { text: hi }, expect: { label: 1, score: high } }"))).lines.join("\n");
    expect(text).toContain("MESH028 steps.serve.examples.0.expect.label: expect.label must be a string, got 1");
    expect(text).toContain('MESH028 steps.serve.examples.0.expect.score: expect.score must be a number, got "high"');
    const iris = exampleText("iris");
    const bad = edit(iris, "expect: { label: setosa }", "expect: { label: setosa, scores: { setosa: 0.9, rose: 0.1 } }");
    expect((await compileSpec(bad)).lines.join("\n")).toContain('expect.scores names "rose", which is not one of the model\'s labels (setosa, versicolor, virginica)');
    expect((await compileSpec(edit(iris, "expect: { label: setosa }", "expect: { label: setosa, scores: { setosa: 0.98 } }"))).diagnostics).toEqual([]);
  });
});

describe("neuron targets vs serve batching", () => {
  it("dynamic batching needs max_batch to be a multiple of batch_size, saying which values fit", async () => {
    expect((await compileSpec(edit(SPAM, "max_batch: 32", "max_batch: 30"))).lines).toEqual([
      `${S}:47:28 error MESH030 steps.serve.batching.max_batch: serve.batching.max_batch is 30, not a multiple of batch_size 8 of neuron target 2 (inf2); dynamic batching runs chunks of 8\n    hint: use 24 or 32`,
    ]);
  });
  it("a fixed batch needs max_batch ≤ batch_size", async () => {
    expect((await compileSpec(edit(SPAM, "dynamic_batch: true", "dynamic_batch: false"))).lines).toEqual([
      `${S}:47:28 error MESH030 steps.serve.batching.max_batch: serve.batching.max_batch is 32, more than batch_size 8 of neuron target 2 (inf2), compiled for a fixed batch\n    hint: use a max_batch from 1 to 8, or set dynamic_batch: true on the target`,
    ]);
    expect((await compileSpec(edit(edit(SPAM, "dynamic_batch: true", "dynamic_batch: false"), "max_batch: 32", "max_batch: 8"))).diagnostics).toEqual([]);
  });
  it("checks the default max_batch and environment overlays too", async () => {
    const noMax = edit(SPAM, "batching: { max_batch: 32, max_delay_ms: 0, queue: 2048 }", "batching: { queue: 2048 }");
    expect((await compileSpec(edit(noMax, "batch_size: 8", "batch_size: 5"))).lines[0]).toContain(
      "MESH030 steps.compile.targets.1.batch_size: serve.batching.max_batch (default 32) is 32, not a multiple of batch_size 5",
    );
    expect((await compileSpec(edit(SPAM, "serve: { replicas: 3, alias: production }", "serve: { replicas: 3, batching: { max_batch: 20 } }"))).lines[0]).toContain(
      "MESH030 environments.prod.serve.batching.max_batch: environments.prod.serve.batching.max_batch is 20, not a multiple of batch_size 8",
    );
  });
  it("checks each environment with the batching it serves: on there though off in the project, and not where it is off", async () => {
    const PROD = "serve: { replicas: 3, alias: production }";
    const off = edit(SPAM, "batching: { max_batch: 32, max_delay_ms: 0, queue: 2048 }", "batching: { enabled: false, max_batch: 20, queue: 2048 }");
    expect((await compileSpec(off)).diagnostics).toEqual([]);
    const onInProd = (await compileSpec(edit(off, PROD, "serve: { replicas: 3, batching: { enabled: true } }"))).lines;
    expect(onInProd).toHaveLength(1);
    expect(onInProd[0]).toContain("MESH030 steps.serve.batching.max_batch: serve.batching.max_batch, which environments.prod turns batching on with, is 20, not a multiple of batch_size 8");
    expect((await compileSpec(edit(off, PROD, "serve: { replicas: 3, batching: { enabled: true, max_batch: 12 } }"))).lines[0]).toContain(
      "MESH030 environments.prod.serve.batching.max_batch: environments.prod.serve.batching.max_batch is 12, not a multiple of batch_size 8",
    );
    expect((await compileSpec(edit(off, PROD, "serve: { replicas: 3, batching: { enabled: true, max_batch: 16 } }"))).diagnostics).toEqual([]);
    // Off in prod: app.py ignores MESH_BATCH_MAX there, so its value is not refused.
    expect((await compileSpec(edit(SPAM, PROD, "serve: { replicas: 3, batching: { enabled: false, max_batch: 20 } }"))).diagnostics).toEqual([]);
  });
});

describe("request rows vs the batching queue (the servers refuse to start otherwise)", () => {
  const PROD = "serve: { replicas: 3, alias: production }";
  it("max_rows above the queue is refused where it is set, with the values that fit", async () => {
    expect((await compileSpec(edit(SPAM, "max_rows: 64", "max_rows: 4000"))).lines).toEqual([
      `${S}:48:64 error MESH054 steps.serve.limits.max_rows: limits.max_rows is 4000, more than batching.queue 2048: one request could never be queued, so the server would refuse to start\n    hint: raise batching.queue to at least 4000, or lower limits.max_rows to 2048 or less`,
    ]);
    expect((await compileSpec(edit(SPAM, "max_rows: 64", "max_rows: 2048"))).diagnostics).toEqual([]);
  });
  it("an environment is checked with what it serves: its queue over the project's rows, its rows over the project's queue", async () => {
    expect((await compileSpec(edit(SPAM, PROD, "serve: { replicas: 3, batching: { queue: 32 } }"))).lines[0]).toContain(
      "MESH054 environments.prod.serve.batching.queue: limits.max_rows is 64, more than batching.queue 32 in environments.prod:",
    );
    expect((await compileSpec(edit(SPAM, PROD, "serve: { replicas: 3, limits: { max_rows: 3000 } }"))).lines[0]).toContain(
      "MESH054 environments.prod.serve.limits.max_rows: limits.max_rows is 3000, more than batching.queue 2048 in environments.prod:",
    );
  });
  it("without batching the queue holds no request rows, so nothing is refused", async () => {
    const off = edit(edit(SPAM, "max_rows: 64", "max_rows: 4000"), "batching: { max_batch: 32, max_delay_ms: 0, queue: 2048 }", "batching: { enabled: false, queue: 2048 }");
    expect((await compileSpec(off)).diagnostics).toEqual([]);
    // ...until an environment turns it on.
    expect((await compileSpec(edit(off, PROD, "serve: { replicas: 3, batching: { enabled: true } }"))).lines[0]).toContain("MESH054 environments.prod.serve.batching.enabled:");
  });
});

describe("App", () => {
  it("accepts the example", async () => {
    const r = await app(COLORS);
    expect(r.diagnostics).toEqual([]);
    expect(r.value?.[0]?.model.inputs).toEqual([{ name: "rgb", datatype: "FP32", shape: [-1, 3] }]);
  });
  it("examples must fill the model's inputs with rows of the right length", async () => {
    const r = await app(edit(COLORS, "rgb: [0.9, 0.1, 0.1]", "rgb: [0.9, 0.1], color: red"));
    expect(r.lines.join("\n")).toContain('MESH028 steps.serve.examples.0.attributes.rgb: example attribute "rgb" must hold 3 numbers (the model input\'s row), got 2');
    expect(r.lines.join("\n")).toContain('example attribute "color" is not a declared attribute (declared: rgb)');
  });
  it("declares no request attributes of its own, and no response without labels", async () => {
    const r = await app(edit(COLORS, "    api:\n", "    api:\n      attributes: { rgb: number }\n"));
    expect(r.lines.join("\n")).toContain("MESH026 steps.serve.api.attributes: an App's request attributes are its model's inputs");
    const noLabels = edit(COLORS, "  labels: [black, white, red, green, blue, yellow, cyan, magenta]\n", "");
    expect((await app(noLabels)).lines.join("\n")).toContain("MESH027 steps.serve.api.response.label: an App without model.labels answers with its output tensors");
  });
});

describe("workspace-wide", () => {
  it("names and registry keys are unique; the folder is named after the project", async () => {
    const copy = edit(SPAM, "name: spam", "name: spam2");
    const r = await compileLines(workspace({ "projects/spam/project.yaml": SPAM, "projects/spam2/project.yaml": copy, "projects/other/project.yaml": edit(IRIS, "key: IRIS", "key: SPAM") }));
    expect(r.value).toBeUndefined();
    expect(r.lines).toEqual([
      'projects/other/project.yaml:4:7 error MESH033 name: name "iris" must equal the project folder name "other"\n    hint: rename the folder to iris/ or set name: other',
      'projects/spam/project.yaml:5:6 error MESH032 key: registry key "SPAM" is also used by projects/other/project.yaml',
      'projects/spam2/project.yaml:5:6 error MESH032 key: registry key "SPAM" is also used by projects/other/project.yaml',
    ]);
    const dup = await compileLines(workspace({ "projects/spam/project.yaml": SPAM, "elsewhere/project.yaml": edit(SPAM, "key: SPAM", "key: SPAM2") }), {
      specPaths: ["projects/spam/project.yaml", "elsewhere/project.yaml"],
    });
    expect(dup.lines).toEqual([
      'elsewhere/project.yaml:4:7 error MESH031 name: project name "spam" is also used by projects/spam/project.yaml',
      'elsewhere/project.yaml:4:7 error MESH033 name: name "spam" must equal the project folder name "elsewhere"\n    hint: rename the folder to spam/ or set name: elsewhere',
    ]);
  });
});
