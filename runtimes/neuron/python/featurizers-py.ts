/**
 * featurizers.py: the Python twin of runtimes/features, shared by compile.py, validate.py
 * and the Neuron server. It must give bit-identical float32 rows, so it follows the
 * TypeScript code step by step: truncation counts UTF-16 code units (JavaScript string
 * length), `[^\W_]+` is exactly `[\p{L}\p{N}]+` (checked over every code point), FNV-1a
 * runs over UTF-8 with the n-gram continuing its first token's state, counts are summed
 * over touched buckets in ascending order in float64 and each value is rounded to float32
 * once. test/runtimes/neuron/python/features-parity.test.ts pins both sides to shared vectors. The program is
 * the real file featurizers.py beside this module.
 */
import type { FeatureSpec } from "../../features/index.js";
import { readAsset } from "../../assets.js";

/** The text of featurizers.py, behind a header line in Python comment syntax. */
export function featurizersPy(header: string): string {
  return `# ${header}\n${readAsset(import.meta.url, "featurizers.py")}`;
}

/** The featurizer settings as featurizers.py reads them (features.json, canonical order). */
export function featuresJson(features: FeatureSpec): string {
  return `${JSON.stringify(features, Object.keys(features).sort(), 2)}\n`;
}
