/**
 * Network → ONNX (IR 8, opset 17) with onnx-proto. Input "features" [N, width] FP32,
 * output "probabilities" [N, classes] via Softmax, "N" a symbolic batch dimension. For
 * tabular models the graph starts with Sub(mean)/Div(std), so serving packs raw columns.
 * No timestamps or paths inside: the same network gives the same bytes.
 */
import onnxProto from "onnx-proto";
import type { Standardization } from "./feature-matrix.js";
import type { Network } from "./network.js";

const { onnx } = onnxProto;

export const INPUT_NAME = "features";
export const OUTPUT_NAME = "probabilities";

function floatTensor(name: string, dims: number[], data: Float32Array) {
  const raw = new Uint8Array(data.length * 4);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i]!, true);
  return onnx.TensorProto.create({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw });
}

function valueInfo(name: string, width: number) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: [{ dimParam: "N" }, { dimValue: width }] },
      },
    },
  });
}

export interface ExportOptions {
  readonly standardization?: Standardization;
  /** Recorded as model metadata (labels, featurizer, mesh version) for humans and tools. */
  readonly metadata: Readonly<Record<string, string>>;
  readonly producerVersion: string;
}

export function exportOnnx(net: Network, opts: ExportOptions): Uint8Array {
  const nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  const inits: InstanceType<typeof onnx.TensorProto>[] = [];
  const first = net.layers[0]!;
  let x = INPUT_NAME;
  if (opts.standardization) {
    const { mean, std } = opts.standardization;
    inits.push(floatTensor("mean", [mean.length], mean), floatTensor("std", [std.length], std));
    nodes.push(onnx.NodeProto.create({ name: "center", opType: "Sub", input: [x, "mean"], output: ["centered"] }));
    nodes.push(onnx.NodeProto.create({ name: "scale", opType: "Div", input: ["centered", "std"], output: ["standardized"] }));
    x = "standardized";
  }
  net.layers.forEach((layer, l) => {
    inits.push(floatTensor(`W${l}`, [layer.inputs, layer.outputs], layer.w), floatTensor(`b${l}`, [layer.outputs], layer.b));
    nodes.push(onnx.NodeProto.create({ name: `matmul${l}`, opType: "MatMul", input: [x, `W${l}`], output: [`mm${l}`] }));
    nodes.push(onnx.NodeProto.create({ name: `bias${l}`, opType: "Add", input: [`mm${l}`, `b${l}`], output: [`z${l}`] }));
    x = `z${l}`;
    if (l + 1 < net.layers.length) {
      nodes.push(onnx.NodeProto.create({ name: `relu${l}`, opType: "Relu", input: [x], output: [`h${l}`] }));
      x = `h${l}`;
    }
  });
  const classes = net.layers.at(-1)!.outputs;
  nodes.push(
    onnx.NodeProto.create({
      name: "softmax",
      opType: "Softmax",
      input: [x],
      output: [OUTPUT_NAME],
      attribute: [onnx.AttributeProto.create({ name: "axis", type: onnx.AttributeProto.AttributeType.INT, i: -1 })],
    }),
  );
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: "", version: 17 }],
    producerName: "mesh",
    producerVersion: opts.producerVersion,
    graph: {
      name: "mesh_classifier",
      node: nodes,
      initializer: inits,
      input: [valueInfo(INPUT_NAME, first.inputs)],
      output: [valueInfo(OUTPUT_NAME, classes)],
    },
    metadataProps: Object.keys(opts.metadata)
      .sort()
      .map((key) => ({ key, value: opts.metadata[key]! })),
  });
  return onnx.ModelProto.encode(model).finish();
}
