/**
 * Golden test files stored with every model version: `test_files/inputs.json` holds raw
 * attribute rows exactly as a client would send them ({text} or the tabular columns), and
 * `test_files/predictions.json` the model's probabilities for them, one array per row in
 * label order. Compile validates against these, and serving can smoke-test with them.
 */
import type { FeatureSpec } from "../features/index.js";

export type AttributeRow = Record<string, string | number>;

/** The request attributes of a dataset row: what the server receives for it. */
export function attributesOf(row: Readonly<Record<string, unknown>>, features: FeatureSpec): AttributeRow {
  if (features.kind === "hashed-ngrams") {
    // The featurizer truncates to maxChars anyway; storing the prefix keeps files small
    // and gives identical features.
    const text = String(row[features.input] ?? "");
    return { [features.input]: text.length > features.maxChars ? text.slice(0, features.maxChars) : text };
  }
  const out: AttributeRow = {};
  for (const c of features.columns) out[c] = Number(row[c]);
  return out;
}

export function goldenFiles(inputs: readonly AttributeRow[], predictions: readonly ArrayLike<number>[]): Record<string, Uint8Array> {
  // One row per line: readable, diffable, and stable bytes.
  const json = (rows: readonly unknown[]) => Buffer.from(`[\n${rows.map((r) => JSON.stringify(r)).join(",\n")}\n]\n`, "utf8");
  return {
    "test_files/inputs.json": json(inputs),
    "test_files/predictions.json": json(predictions.map((p) => Array.from(p))),
  };
}

/** Parses golden files back; throws on a shape mismatch. */
export function parseGolden(inputs: Uint8Array, predictions: Uint8Array): { inputs: AttributeRow[]; predictions: number[][] } {
  const i = JSON.parse(Buffer.from(inputs).toString("utf8")) as unknown;
  const p = JSON.parse(Buffer.from(predictions).toString("utf8")) as unknown;
  if (!Array.isArray(i) || !Array.isArray(p) || i.length !== p.length) throw new Error("golden inputs and predictions do not line up");
  return { inputs: i as AttributeRow[], predictions: p as number[][] };
}
