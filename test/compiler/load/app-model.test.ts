/** The App's ONNX signature, read at compile time through the Host (no runtime started). */
import { describe, expect, it } from "vitest";
import onnxProto from "onnx-proto";
import { createHash } from "node:crypto";
import { modelPath } from "../../../compiler/load/app-model.js";
import { compileWorkspace } from "../../../compiler/pipeline.js";
import { readOnnxSignature } from "../../../runtimes/support/onnx-signature.js";
import { colorsModel, compileLines, edit, exampleText, workspace } from "../../support/frontend/helpers.js";

const { onnx } = onnxProto;
const COLORS = exampleText("colors");
const C = "projects/colors/project.yaml";
const URI = 'uri: "file://model.onnx"';

/** A model with the given inputs (name, elemType, dims; string dims are symbolic). */
function model(inputs: [string, number, (number | string)[]][], outputs: [string, number, (number | string)[]][] = [["y", 1, ["n", 2]]]): Uint8Array {
  const vi = ([name, elemType, dims]: [string, number, (number | string)[]]) => ({
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === "string" ? { dimParam: d } : { dimValue: d })) } } },
  });
  return onnx.ModelProto.encode(onnx.ModelProto.create({ irVersion: 8, opsetImport: [{ version: 17 }], graph: { name: "g", input: inputs.map(vi), output: outputs.map(vi) } })).finish();
}

async function compileApp(text: string, files: Record<string, string | Uint8Array>) {
  return compileLines(workspace({ [C]: text, ...files }));
}

describe("readOnnxSignature", () => {
  it("reads names, element types and shapes; symbolic dimensions become -1", () => {
    const r = readOnnxSignature(
      model(
        [
          ["ids", 7, ["batch", 16]],
          ["mask", 1, [-1, 16]],
        ],
        [["logits", 1, ["batch", 4]]],
      ),
    );
    expect(r).toEqual({
      ok: true,
      signature: {
        inputs: [
          { name: "ids", datatype: "INT64", shape: [-1, 16] },
          { name: "mask", datatype: "FP32", shape: [-1, 16] },
        ],
        outputs: [{ name: "logits", datatype: "FP32", shape: [-1, 4] }],
      },
    });
  });
  it("reads the example App model", () => {
    expect(readOnnxSignature(colorsModel())).toEqual({
      ok: true,
      signature: { inputs: [{ name: "rgb", datatype: "FP32", shape: [-1, 3] }], outputs: [{ name: "probabilities", datatype: "FP32", shape: [-1, 8] }] },
    });
  });
  it("refuses element types mesh does not serve, and garbage", () => {
    expect(readOnnxSignature(model([["x", 11, ["n", 3]]]))).toEqual({ ok: false, reason: 'input "x" has element type DOUBLE; mesh serves FLOAT and INT64 tensors' });
    expect(readOnnxSignature(new TextEncoder().encode("not a model at all"))).toMatchObject({ ok: false });
    expect(readOnnxSignature(new Uint8Array([0x08, 0x08]))).toEqual({ ok: false, reason: "no graph or IR version; is this an ONNX file?" });
  });
});

describe("modelPath", () => {
  it("resolves file:// against the project folder and npm: under node_modules", () => {
    expect(modelPath(C, "file://model.onnx")).toEqual({ file: "projects/colors/model.onnx" });
    expect(modelPath(C, "file://models/v2/m.onnx")).toEqual({ file: "projects/colors/models/v2/m.onnx" });
    expect(modelPath(C, "npm:pkg/dist/m.onnx")).toEqual({ file: "node_modules/pkg/dist/m.onnx" });
    expect(modelPath(C, "npm:@scope/pkg/m.onnx")).toEqual({ file: "node_modules/@scope/pkg/m.onnx" });
    expect(modelPath(C, "npm:@scope/pkg")).toEqual({ problem: "no-path", scheme: "npm:" });
    expect(modelPath(C, "file:///etc/model.onnx")).toEqual({ problem: "absolute", scheme: "file://" });
    expect(modelPath(C, "s3://bucket/m.onnx")).toEqual({ problem: "remote", scheme: "s3://" });
  });
});

describe("App compile", () => {
  it("passes the signature to lower: the API takes the model's inputs", async () => {
    const r = await compileApp(COLORS, { "projects/colors/model.onnx": colorsModel() });
    expect(r.diagnostics).toEqual([]);
    const ir = r.value![0]!;
    expect(ir.model.outputs).toEqual([{ name: "probabilities", datatype: "FP32", shape: [-1, 8] }]);
    expect(ir.serve.api.attributes).toEqual([{ name: "rgb", type: "number[]", length: 3 }]);
  });
  it("reads a model shipped in an npm package", async () => {
    const text = edit(edit(COLORS, URI, 'uri: "npm:@vendor/colors/models/colors.onnx"'), "    sha256: 85cff147766320e3091df9111a053749dbb6d4260cc55ee044aaf8346e1ea80a\n", "");
    const r = await compileApp(text, { "node_modules/@vendor/colors/models/colors.onnx": colorsModel() });
    expect(r.diagnostics).toEqual([]);
  });
  it("a missing model is a diagnostic at model.source.uri", async () => {
    expect((await compileApp(COLORS, {})).lines).toEqual([`${C}:16:10 error MESH040 model.source.uri: model file projects/colors/model.onnx not found`]);
  });
  it("a corrupt model is a diagnostic at model.source.uri", async () => {
    const text = edit(COLORS, "    sha256: 85cff147766320e3091df9111a053749dbb6d4260cc55ee044aaf8346e1ea80a\n", "");
    const r = await compileApp(text, { "projects/colors/model.onnx": "this is not protobuf" });
    expect(r.lines[0]).toMatch(/^projects\/colors\/project\.yaml:16:10 error MESH041 model\.source\.uri: model file projects\/colors\/model\.onnx is not a readable ONNX model: /);
    expect(r.value).toBeUndefined();
  });
  it("a model whose bytes do not match the pinned sha256 is refused", async () => {
    const other = model([["x", 1, ["n", 3]]], [["y", 1, ["n", 8]]]);
    const r = await compileApp(COLORS, { "projects/colors/model.onnx": other });
    const actual = createHash("sha256").update(other).digest("hex");
    expect(r.lines).toEqual([
      `${C}:17:13 error MESH043 model.source.sha256: model file projects/colors/model.onnx has sha256 ${actual}, the spec pins 85cff147766320e3091df9111a053749dbb6d4260cc55ee044aaf8346e1ea80a`,
    ]);
  });
  it("labels must match the model's output width", async () => {
    const text = edit(COLORS, "labels: [black, white, red, green, blue, yellow, cyan, magenta]", "labels: [dark, light]");
    const r = await compileApp(text, { "projects/colors/model.onnx": colorsModel() });
    expect(r.lines[0]).toBe(`${C}:18:11 error MESH044 model.labels: model.labels names 2 classes but the model's output "probabilities" has 8`);
  });
  it("refuses to read huge models, absolute file:// paths and npm: without a file", async () => {
    const host = workspace({ [C]: COLORS, "projects/colors/model.onnx": colorsModel() });
    let reads = 0;
    const huge = { ...host, fileSize: (p: string) => (p.endsWith(".onnx") ? 600 * 1024 * 1024 : host.fileSize(p)), readFile: (p: string) => (p.endsWith(".onnx") && reads++, host.readFile(p)) };
    const r = await compileWorkspace(huge);
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      `MESH045 model file projects/colors/model.onnx is ${600 * 1024 * 1024} bytes; at most ${512 * 1024 * 1024} bytes can be inspected`,
    ]);
    expect(reads).toBe(0);
    const abs = await compileApp(edit(COLORS, URI, 'uri: "file:///opt/models/m.onnx"'), {});
    expect(abs.lines).toEqual([`${C}:16:10 error MESH044 model.source.uri: file:// model paths are relative to the project folder; got an absolute path`]);
    const npm = await compileApp(edit(COLORS, URI, 'uri: "npm:@vendor/colors"'), {});
    expect(npm.lines).toEqual([`${C}:16:10 error MESH044 model.source.uri: npm: model sources name a file inside the package: npm:PACKAGE/PATH/model.onnx`]);
  });

  it("remote sources cannot be inspected at compile time", async () => {
    const text = edit(COLORS, URI, 'uri: "https://models.example.com/colors.onnx"');
    expect((await compileApp(text, {})).lines).toEqual([
      `${C}:16:10 error MESH042 model.source.uri: cannot read the model signature from https:// at compile time\n    hint: download the model and point at it with file://, or ship it in an npm package (npm:PACKAGE/PATH)`,
    ]);
  });
});
