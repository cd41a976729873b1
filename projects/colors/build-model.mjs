// Builds model.onnx, the model the `colors` App serves. It stands for an externally
// maintained, third-party ONNX model: mesh does not train it, it only serves it. No small npm
// package shipping a CPU model with fixed inputs was found, so this script writes one instead,
// with onnx-proto, deterministically (same bytes on every run; no randomness, no clock).
//
// The model names the colour of an RGB pixel (channels in [0, 1]) as the nearest of eight
// prototype colours. Nearest-prototype is linear in x:
//   argmin_k |x - p_k|^2 = argmax_k (2 p_k . x - |p_k|^2)
// so one MatMul + Add gives the logits, scaled by SHARPNESS, and Softmax the probabilities.
//
// Run from the repository root:  node projects/colors/build-model.mjs
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import onnxProto from "onnx-proto";

const { onnx } = onnxProto;
const SHARPNESS = 12;
/** Output order = model.labels in project.yaml. */
const PROTOTYPES = [
  ["black", [0, 0, 0]],
  ["white", [1, 1, 1]],
  ["red", [1, 0, 0]],
  ["green", [0, 1, 0]],
  ["blue", [0, 0, 1]],
  ["yellow", [1, 1, 0]],
  ["cyan", [0, 1, 1]],
  ["magenta", [1, 0, 1]],
];
const K = PROTOTYPES.length;

const weights = new Float32Array(3 * K); // [3, K] row-major
const bias = new Float32Array(K);
PROTOTYPES.forEach(([, p], k) => {
  for (let i = 0; i < 3; i++) weights[i * K + k] = 2 * SHARPNESS * p[i];
  bias[k] = -SHARPNESS * p.reduce((s, v) => s + v * v, 0);
});

const FLOAT = onnx.TensorProto.DataType.FLOAT;
const raw = (a) => new Uint8Array(a.buffer.slice(a.byteOffset, a.byteOffset + a.byteLength));
const io = (name, width) => ({ name, type: { tensorType: { elemType: FLOAT, shape: { dim: [{ dimParam: "batch" }, { dimValue: width }] } } } });

const model = onnx.ModelProto.create({
  irVersion: 8,
  producerName: "colors-vendor",
  producerVersion: "1.0.0",
  docString: "Nearest-prototype colour namer; labels: " + PROTOTYPES.map(([n]) => n).join(", "),
  opsetImport: [{ domain: "", version: 17 }],
  graph: {
    name: "colors",
    node: [
      { opType: "MatMul", input: ["rgb", "W"], output: ["mm"], name: "matmul" },
      { opType: "Add", input: ["mm", "B"], output: ["logits"], name: "add" },
      { opType: "Softmax", input: ["logits"], output: ["probabilities"], name: "softmax", attribute: [{ name: "axis", type: onnx.AttributeProto.AttributeType.INT, i: -1 }] },
    ],
    initializer: [
      { name: "W", dims: [3, K], dataType: FLOAT, rawData: raw(weights) },
      { name: "B", dims: [K], dataType: FLOAT, rawData: raw(bias) },
    ],
    input: [io("rgb", 3)],
    output: [io("probabilities", K)],
  },
});

const out = fileURLToPath(new URL("./model.onnx", import.meta.url));
writeFileSync(out, onnx.ModelProto.encode(model).finish());
console.log(`wrote ${out}`);
