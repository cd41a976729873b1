/**
 * A small text-classification project whose example expectations are computed, not
 * guessed: a deterministic 64 → 2 linear ONNX model (test/support/onnx-models.ts), the
 * shared hashed n-gram featurizer, and the pure-JS forward pass give each example's label
 * and score, so `mesh test` checks the whole chain numerically.
 */
import { buildDenseModel, denseForward, denseWeights } from "../onnx-models.js";
import { createFeaturizer } from "../../../runtimes/features/index.js";

const DIMS = 64;
const SEED = 11;
const LABELS = ["ham", "spam"] as const;
const FEATURES = { kind: "hashed-ngrams", input: "text", dims: DIMS, ngrams: [1, 2], lowercase: true, max_chars: 5000 } as const;
const TEXTS = ["win a free cruise now", "meeting notes attached, see you thursday", "cheap pills online", "lunch?"];

export const textModel = (): Uint8Array => buildDenseModel({ sizes: [DIMS, 2], seed: SEED, scale: 2 });

/** Probabilities the model gives a text (float64 reference). */
export function textProbabilities(text: string): number[] {
  const row = new Float32Array(DIMS);
  createFeaturizer({ kind: "hashed-ngrams", input: "text", dims: DIMS, ngrams: [1, 2], lowercase: true, maxChars: 5000 }).encode({ text }, row, 0);
  return denseForward(denseWeights({ sizes: [DIMS, 2], seed: SEED, scale: 2 }), row);
}

/** The spec; `mutate` may break one expectation to prove that `mesh test` notices. */
export function textSpec(name: string, opts: { wrongFirst?: boolean; slo?: Record<string, number> } = {}): Record<string, unknown> {
  const examples = TEXTS.map((text, i) => {
    const p = textProbabilities(text);
    const best = p[1]! >= 0.5 ? 1 : 0;
    const label = opts.wrongFirst && i === 0 ? LABELS[1 - best]! : LABELS[best]!;
    return { name: `text ${i + 1}`, attributes: { text }, expect: { label, score: Number(p[best]!.toFixed(6)) } };
  });
  return {
    apiVersion: "mesh/v1",
    kind: "Project",
    name,
    key: name.toUpperCase().replace(/-/g, "_"),
    description: "contract-test fixture",
    model: { task: "text-classification", labels: [...LABELS], features: FEATURES },
    steps: {
      // Never run here (the model comes with --model); the rules want a Project to train what it serves.
      ingest: { source: { uri: "file://data.jsonl", format: "jsonl" } },
      register: { dataset: "texts", schema: { text: "string", label: { enum: [...LABELS] } } },
      train: { trainer: "logistic-regression" },
      serve: {
        limits: { max_rows: 16 },
        api: {
          attributes: { text: { type: "string", max_length: 5000 } },
          parameters: { threshold: { type: "number", default: 0.5, min: 0, max: 1 } },
          response: { label: "string", score: "number", scores: "scores" },
        },
        examples,
        ...(opts.slo ? { slo: opts.slo } : {}),
        load: { duration_s: 1, connections: 4 },
      },
    },
  };
}
