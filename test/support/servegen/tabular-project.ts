/**
 * A small tabular project (four columns → three classes) whose expectations are computed
 * from a deterministic 4 → 3 ONNX model with the columns packed in the spec's order, so an
 * end-to-end pass proves the generated server packs columns exactly in that order.
 */
import { buildDenseModel, denseForward, denseWeights } from "../onnx-models.js";

const COLUMNS = ["c_one", "c_two", "c_three", "c_four"] as const;
const LABELS = ["small", "medium", "large"] as const;
const SEED = 5;
const ROWS = [
  [5.1, 3.5, 1.4, 0.2],
  [7.7, 3.0, 6.1, 2.3],
  [-1, 4, 0.5, -2],
  [0, 0, 9, 0],
];

export const tabularModel = (): Uint8Array => buildDenseModel({ sizes: [4, 3], seed: SEED, scale: 1.5 });

export function tabularSpec(name: string): Record<string, unknown> {
  const weights = denseWeights({ sizes: [4, 3], seed: SEED, scale: 1.5 });
  const examples = ROWS.map((row, i) => {
    const p = denseForward(weights, row);
    const best = p.indexOf(Math.max(...p));
    // Rows whose top two classes are within float32 noise would make a flaky fixture.
    const second = Math.max(...p.filter((_, j) => j !== best));
    if (p[best]! - second < 1e-3) throw new Error(`fixture row ${i} is ambiguous; pick another`);
    return {
      name: `row ${i + 1}`,
      attributes: Object.fromEntries(COLUMNS.map((c, j) => [c, row[j]])),
      expect: { label: LABELS[best], scores: Object.fromEntries(LABELS.map((l, j) => [l, Number(p[j]!.toFixed(6))])) },
    };
  });
  return {
    apiVersion: "mesh/v1",
    kind: "Project",
    name,
    key: name.toUpperCase().replace(/-/g, "_"),
    model: { task: "tabular-classification", labels: [...LABELS], features: { kind: "standardize", columns: [...COLUMNS] } },
    steps: {
      ingest: { source: { uri: "file://data.jsonl", format: "jsonl" } },
      register: { dataset: "rows", schema: { ...Object.fromEntries(COLUMNS.map((c) => [c, "number"])), label: { enum: [...LABELS] } } },
      train: { trainer: "mlp" },
      serve: { api: { response: { label: "string", score: "number", scores: "scores" } }, examples },
    },
  };
}
