/**
 * validate.py: runs the traced model on golden input rows (featurized by featurizers.py,
 * in chunks of the traced batch size, the last one zero-padded) and, given the parent's
 * golden predictions, checks |traced − golden| ≤ atol + rtol·|golden| everywhere, printing
 * the max |Δ|. Always writes the traced predictions when asked (--out). Exit codes: 0 ok,
 * 1 validation failed, 3 a library is missing, 2 bad arguments or files.
 *
 * The program is the real file validate.py beside this module; its instance, batch size and
 * default tolerances come from neuron.json (compile-py.ts `neuronJson`).
 */
import { readAsset } from "../../assets.js";

export interface ValidateDefaults {
  readonly atol: number;
  readonly rtol: number;
  readonly samples: number;
}

/** The text of validate.py, behind a header line in Python comment syntax. */
export function validatePy(header: string): string {
  return `# ${header}\n${readAsset(import.meta.url, "validate.py")}`;
}
