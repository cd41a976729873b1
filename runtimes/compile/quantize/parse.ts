/**
 * Decoding an ONNX model for a rewrite, strictly. protobufjs skips fields its schema does not
 * know, and onnx-proto's schema is ONNX 1.10's: a model from a newer exporter (metadata_props on
 * nodes, NodeProto.overload, …) or a file that is not ONNX at all would decode "successfully"
 * and lose data when encoded again. So decoding goes through a Reader that records every
 * skipped field and the model is refused if there is one. Tensors stored as external data are
 * refused too: the rewrite reads and drops weights, which needs them inside the file.
 */
import { createRequire } from "node:module";
import onnxProto from "onnx-proto";
import { nestedGraphs, type Graph, type Tensor } from "./graph-index.js";

const { onnx } = onnxProto;
export type Model = onnxProto.onnx.ModelProto;

export class OnnxModelError extends Error {
  override name = "OnnxModelError";
}

interface ProtobufReader {
  pos: number;
  skipType(wireType: number): unknown;
}

// The generated decoders accept only their own protobufjs's Reader (an instanceof check), so the
// Reader is taken from the protobufjs that onnx-proto itself resolves, not from the top level.
const requireHere = createRequire(import.meta.url);
const protobuf = createRequire(requireHere.resolve("onnx-proto"))("protobufjs/minimal") as { Reader: new (buf: Uint8Array) => ProtobufReader };

/** Records the byte offset of every field the schema does not know, instead of dropping it silently. */
class StrictReader extends protobuf.Reader {
  readonly unknown: number[] = [];
  override skipType(wireType: number): unknown {
    this.unknown.push(this.pos);
    return super.skipType(wireType);
  }
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

function tensorsOf(graph: Graph): Tensor[] {
  const tensors: Tensor[] = [...(graph.initializer ?? [])];
  for (const s of graph.sparseInitializer ?? []) tensors.push(...[s.values, s.indices].filter((t): t is Tensor => !!t));
  for (const node of graph.node ?? []) {
    for (const a of node.attribute ?? []) tensors.push(...(a.t ? [a.t] : []), ...(a.tensors ?? []));
  }
  return tensors;
}

function externalTensor(model: Model): string | undefined {
  const graphs = model.graph ? [model.graph, ...nestedGraphs(model.graph)] : [];
  for (const t of graphs.flatMap(tensorsOf)) {
    if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL || (t.externalData?.length ?? 0) > 0) return t.name || "(unnamed)";
  }
  return undefined;
}

/** The decoded model, or an OnnxModelError saying why these bytes cannot be rewritten. */
export function parseModel(bytes: Uint8Array): Model {
  if (!(bytes instanceof Uint8Array)) throw new OnnxModelError("not an ONNX model: expected the model's bytes (a Uint8Array)");
  if (bytes.byteLength === 0) throw new OnnxModelError("not an ONNX model: the input is empty");
  const reader = new StrictReader(bytes);
  let model: Model;
  try {
    model = onnx.ModelProto.decode(reader as never);
  } catch (err) {
    throw new OnnxModelError(`not an ONNX model: protobuf decoding failed at byte ${reader.pos} of ${bytes.byteLength} (${message(err)})`);
  }
  if (reader.pos !== bytes.byteLength) {
    // Only possible if the decoder did not use our reader (a second protobufjs copy): fail loudly.
    throw new OnnxModelError(`internal: the ONNX decoder stopped at byte ${reader.pos} of ${bytes.byteLength}`);
  }
  if (reader.unknown.length > 0) {
    const more = reader.unknown.length > 1 ? ` and ${reader.unknown.length - 1} more` : "";
    throw new OnnxModelError(
      `not an ONNX model this rewrite can keep intact: a protobuf field unknown to the ONNX 1.10 schema at byte ${reader.unknown[0]}${more} ` +
        "(not an ONNX file, or one written by a newer ONNX whose extra fields would be lost)",
    );
  }
  if (!model.graph) throw new OnnxModelError("not an ONNX model: it has no graph");
  if (!model.irVersion) throw new OnnxModelError("not an ONNX model: it has no ir_version");
  const external = externalTensor(model);
  if (external) {
    throw new OnnxModelError(
      `tensor "${external}" is stored as external data; the int8 rewrite needs a self-contained model ` +
        "(re-save it with onnx.save_model(model, path, save_as_external_data=False); models over 2 GB cannot be)",
    );
  }
  return model;
}
