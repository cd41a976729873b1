/**
 * Transformer specs at `mesh validate`: the lock (model.lock.json) is read instead of the
 * model, so every problem of the folder — labels that do not fit the output, a tokenizer
 * larger than the embedding table, a missing tokenizer.json, inputs the task cannot feed, a
 * file changed under the spec — is a positioned diagnostic before anything is generated.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { compileLines, workspace } from "../../support/frontend/helpers.js";
import { serializeLock, type ModelLock } from "../../../runtimes/models/lock.js";
import type { TransformerFacts } from "../../../runtimes/transformers/inspect.js";

const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const FILES = { "config.json": '{"model_type":"bert"}', "tokenizer.json": "{}", "model.onnx": "onnx bytes" };
const NER_LABELS = ["O", "B-MISC", "I-MISC", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC"];

const facts = (over: Partial<TransformerFacts> = {}): TransformerFacts => ({
  modelFile: "model.onnx",
  architecture: "BertForTokenClassification",
  modelType: "bert",
  labels: NER_LABELS,
  vocabSize: 1000,
  tokenizerVocabSize: 900,
  maxPositions: 512,
  modelMaxLength: 512,
  hiddenSize: 64,
  tokenizer: { model: "WordPiece", continuingSubwordPrefix: "##" },
  inputs: ["input_ids", "attention_mask", "token_type_ids"].map((name) => ({ name, datatype: "INT64" as const, shape: [-1, -1] })),
  outputs: [{ name: "logits", datatype: "FP32", shape: [-1, -1, 9] }],
  ...over,
});

function lockText(f: TransformerFacts, files: Record<string, string> = FILES, source = "file://model"): string {
  const lock: ModelLock = {
    lockVersion: 1,
    source,
    ...(source.startsWith("hf://") ? { revision: "0123456789abcdef0123456789abcdef01234567" } : {}),
    files: Object.fromEntries(Object.entries(files).map(([p, c]) => [p, { sha256: sha(c), size: Buffer.byteLength(c) }])),
    facts: f as never,
  };
  return serializeLock(lock);
}

const SPEC = `apiVersion: mesh/v1
kind: Project
name: ner
key: NER
model:
  task: token-classification
  source: { uri: "file://model" }
  tokenizer: { max_length: 128 }
  aggregation: simple
steps:
  train: { trainer: pretrained }
  compile: { targets: [ { kind: onnx }, { kind: onnx, quantize: int8 } ] }
  serve:
    examples:
      - attributes: { content: "Maria flew to Boston." }
        expect: { entities: [ { entity_type: PER, entity_text: Maria } ] }
`;

function ws(spec = SPEC, lock: string | null = lockText(facts()), files: Record<string, string> = FILES) {
  const entries: Record<string, string> = { "projects/ner/project.yaml": spec };
  if (lock !== null) entries["projects/ner/model.lock.json"] = lock;
  for (const [p, c] of Object.entries(files)) entries[`projects/ner/model/${p}`] = c;
  return workspace(entries);
}

describe("a transformer spec with its lock", () => {
  it("lowers to the task's API: content in, entities out, aggregation as a parameter; int8 targets keep int8 tolerances", async () => {
    const r = await compileLines(ws());
    expect(r.lines).toEqual([]);
    const ir = r.value![0]!;
    expect(ir.model.transformer).toMatchObject({
      task: "token-classification",
      input: "content",
      maxLength: 128,
      aggregation: "simple",
      output: "logits",
      hasTokenTypeIds: true,
      continuingSubwordPrefix: "##",
    });
    expect(ir.model.labels).toEqual(NER_LABELS);
    expect(ir.serve.api.attributes).toEqual([{ name: "content", type: "string", maxLength: ir.serve.limits.bodyBytes }]);
    expect(ir.serve.api.response).toEqual([{ name: "entities", type: "entities" }]);
    expect(ir.serve.api.parameters.map((p) => [p.name, p.default])).toEqual([["aggregation", "simple"]]);
    expect(ir.train).toMatchObject({ trainer: "pretrained", samples: ["Maria flew to Boston."] });
    const [fp32, int8] = ir.compile!.targets;
    expect(fp32).toMatchObject({ kind: "onnx", quantize: "none", validate: { atol: 1e-4, minLabelAgreement: 1 } });
    expect(int8).toMatchObject({ kind: "onnx", quantize: "int8", validate: { atol: 0.1, rtol: 0.1, minLabelAgreement: 0.99 } });
  });

  it("no lock: refused at model.source.uri with the command that writes it", async () => {
    const r = await compileLines(ws(SPEC, null));
    expect(r.lines).toEqual([
      "projects/ner/project.yaml:7:18 error MESH047 model.source.uri: model.source is not locked: projects/ner/model.lock.json does not exist\n    hint: run `mesh lock ner` to resolve the source and pin its files",
    ]);
  });

  it("a lock of another source, or without facts, is refused", async () => {
    const other = await compileLines(ws(SPEC, lockText(facts(), FILES, "hf://org/other@main")));
    expect(other.lines[0]).toMatch(/MESH048 .*it locks hf:\/\/org\/other@main, but model\.source\.uri is file:\/\/model/);
    const broken = await compileLines(ws(SPEC, "{ not json"));
    expect(broken.lines[0]).toMatch(/MESH048 model\.source\.uri: projects\/ner\/model\.lock\.json: /);
  });

  it("config labels that do not match the output width", async () => {
    const r = await compileLines(ws(SPEC, lockText(facts({ labels: ["O", "B-PER", "I-PER"] }))));
    expect(r.lines).toEqual([`projects/ner/project.yaml:7:18 error MESH046 model.source.uri: token-classification: config.json id2label names 3 labels but the model's output "logits" has 9`]);
  });

  it("a tokenizer whose vocabulary is larger than the model's embedding table", async () => {
    const r = await compileLines(ws(SPEC, lockText(facts({ tokenizerVocabSize: 1200 }))));
    expect(r.lines.join("\n")).toMatch(/MESH046 .*tokenizer\.json can produce token ids up to 1199, but the model's embedding table has 1000 rows/);
  });

  it("a missing tokenizer.json and ONNX inputs the task cannot feed", async () => {
    const { ["tokenizer.json"]: _gone, ...noTokenizer } = FILES;
    const missing = await compileLines(ws(SPEC, lockText(facts(), noTokenizer), noTokenizer));
    expect(missing.lines.join("\n")).toMatch(/MESH046 .*the locked model folder has no tokenizer\.json/);
    const pixels = await compileLines(ws(SPEC, lockText(facts({ inputs: [{ name: "pixel_values", datatype: "FP32", shape: [-1, 3, 224, 224] }] }))));
    expect(pixels.lines.join("\n")).toMatch(/the ONNX model has no input "input_ids"/);
    expect(pixels.lines.join("\n")).toMatch(/mesh feeds input_ids, attention_mask, token_type_ids; the model also needs pixel_values FP32/);
    const seq = await compileLines(ws(SPEC, lockText(facts({ outputs: [{ name: "logits", datatype: "FP32", shape: [-1, 9] }] }))));
    expect(seq.lines.join("\n")).toMatch(/token-classification reads a \[batch, sequence, labels\] logits output/);
  });

  it("a file that changed under the spec: sha256 mismatch at validate", async () => {
    const r = await compileLines(ws(SPEC, lockText(facts()), { ...FILES, "config.json": '{"model_type":"BERT"}' }));
    expect(r.lines.join("\n")).toMatch(/MESH043 model\.source\.uri: model file projects\/ner\/model\/config\.json has sha256 [0-9a-f]{64}/);
    const resized = await compileLines(ws(SPEC, lockText(facts()), { ...FILES, "model.onnx": "onnx bytes, longer" }));
    expect(resized.lines.join("\n")).toMatch(/MESH048 .*projects\/ner\/model\/model\.onnx is 18 bytes, the lock pins 10/);
  });

  it("max_length beyond the model's positions is refused where it is written", async () => {
    const r = await compileLines(ws(SPEC.replace("max_length: 128", "max_length: 1024")));
    expect(r.lines).toEqual(["projects/ner/project.yaml:8:28 error MESH046 model.tokenizer.max_length: max_length 1024 exceeds the model's 512 positions (config.json max_position_embeddings)"]);
  });

  it("options of another task, features beside a source, mesh trainers on a pretrained source, and serve.api are refused", async () => {
    const wrong = SPEC.replace("  aggregation: simple\n", "  aggregation: simple\n  pooling: mean\n  top_k: 2\n  features: { kind: hashed-ngrams }\n")
      .replace("trainer: pretrained", "trainer: logistic-regression")
      .replace("  serve:\n", "  serve:\n    api: { response: { label: string } }\n");
    const r = await compileLines(ws(wrong));
    const text = r.lines.join("\n");
    expect(text).toMatch(/model\.features: a model has either features \(mesh trains it\) or a source/);
    expect(text).toMatch(/model\.pooling: model\.pooling belongs to feature-extraction or keyword-extraction, not token-classification/);
    expect(text).toMatch(/model\.top_k: model\.top_k belongs to text-classification, not token-classification/);
    expect(text).toMatch(/steps\.train\.trainer: a pretrained source is registered as it is: use trainer: pretrained, not logistic-regression/);
    expect(text).toMatch(/steps\.serve\.api: the request and response of token-classification are fixed by the task/);
    for (const line of r.lines) expect(line).toMatch(/^projects\/ner\/project\.yaml:\d+:\d+ error MESH\d{3} /);
  });

  it("train.gates on trainer pretrained are refused at the gates (nothing is measured to judge them), with or without promote", async () => {
    const gated = SPEC.replace("  train: { trainer: pretrained }\n", '  train:\n    trainer: pretrained\n    gates: { accuracy: ">= production - 0.01" }\n    promote: production\n');
    expect((await compileLines(ws(gated))).lines).toEqual([
      "projects/ner/project.yaml:13:5 error MESH053 steps.train.gates: trainer pretrained measures no accuracy (it trains nothing and has no held-out split), so train.gates could never stop a registration or the promotion to production\n" +
        '    hint: remove train.gates; to keep a worse compiled version from being promoted, use compile.validate.gates, e.g. { label_agreement: ">= production - 0.01" }',
    ]);
    const absolute = SPEC.replace("  train: { trainer: pretrained }\n", '  train: { trainer: pretrained, gates: { accuracy: ">= 0.9", macro_f1: ">= 0.8" } }\n');
    expect((await compileLines(ws(absolute))).lines[0]).toMatch(
      /^projects\/ner\/project\.yaml:11:33 error MESH053 steps\.train\.gates: trainer pretrained measures no accuracy, macro_f1 .* stop a registration\n/,
    );
    // promote alone stays allowed: every registered version is promoted, as documented.
    const promoteOnly = SPEC.replace("  train: { trainer: pretrained }\n", "  train: { trainer: pretrained, promote: production }\n");
    expect((await compileLines(ws(promoteOnly))).diagnostics).toEqual([]);
  });

  it("examples are checked against the task's answer shape", async () => {
    const r = await compileLines(ws(SPEC.replace("expect: { entities: [ { entity_type: PER, entity_text: Maria } ] }", "expect: { entities: PER, label: x }")));
    const text = r.lines.join("\n");
    expect(text).toMatch(/MESH028 steps\.serve\.examples\.0\.expect\.entities: expect\.entities must be a list of mappings, got "PER"/);
    expect(text).toMatch(/MESH028 steps\.serve\.examples\.0\.expect\.label: expect\.label is not a response field \(response: entities\)/);
  });

  it("a Project without features or source, and a tabular task on a source", async () => {
    const none = await compileLines(ws(SPEC.replace('  source: { uri: "file://model" }\n', "")));
    expect(none.lines.join("\n")).toMatch(/the model needs features \(mesh trains it\) or source/);
    const tab = await compileLines(ws(SPEC.replace("task: token-classification", "task: tabular-classification").replace("  aggregation: simple\n", "")));
    expect(tab.lines.join("\n")).toMatch(/tabular-classification is trained by mesh from features/);
  });
});
