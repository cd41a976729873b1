/**
 * validate.py: runs the traced model on golden input rows (featurized by featurizers.py,
 * in chunks of the traced batch size, the last one zero-padded) and, given the parent's
 * golden predictions, checks |traced − golden| ≤ atol + rtol·|golden| everywhere, printing
 * the max |Δ|. Always writes the traced predictions when asked (--out). Exit codes: 0 ok,
 * 1 validation failed, 3 a library is missing, 2 bad arguments or files.
 */
import { pyLiteral, type NeuronScriptConfig } from "../script-config.js";

export interface ValidateDefaults {
  readonly atol: number;
  readonly rtol: number;
  readonly samples: number;
}

/** The text of validate.py; tolerances default to the spec's and may be overridden by flags. */
export function validatePy(header: string, cfg: NeuronScriptConfig, defaults: ValidateDefaults): string {
  return `# ${header}
"""Validate the traced ${cfg.key} model against the trained model's golden predictions."""
import argparse
import importlib
import json
import os
import sys

try:
    import numpy as np
    import torch
except ImportError as err:
    print("validate.py: %s for %s; install python3-torch and python3-numpy (Debian) or use the Neuron image, or set PYTHON to an interpreter that has them" % (err, sys.executable), file=sys.stderr)
    sys.exit(3)

from featurizers import load_featurizer

INSTANCE = ${pyLiteral(cfg.instance)}
BATCH_SIZE = ${cfg.batchSize}
ATOL = ${defaults.atol}
RTOL = ${defaults.rtol}
SAMPLES = ${defaults.samples}


def load_traced(folder):
    with open(os.path.join(folder, "compilation_specs.json"), encoding="utf-8") as f:
        specs = json.load(f)
    if specs.get("tracing__neuron"):
        # The Neuron runtime registers its ops on import; the traced file needs them.
        importlib.import_module("torch_neuron" if INSTANCE == "inf1" else "torch_neuronx")
    return torch.jit.load(os.path.join(folder, "model.pt")), specs


def run(model, features):
    """Probabilities for every row, fed in chunks of the traced batch size."""
    out = []
    with torch.no_grad():
        for start in range(0, features.shape[0], BATCH_SIZE):
            chunk = features[start:start + BATCH_SIZE]
            padded = np.zeros((BATCH_SIZE, features.shape[1]), dtype=np.float32)
            padded[: chunk.shape[0]] = chunk
            out.append(model(torch.from_numpy(padded)).numpy()[: chunk.shape[0]])
    return np.concatenate(out) if out else np.zeros((0, 0), dtype=np.float32)


def compare(got, want, atol, rtol):
    """(ok, max |diff|, first failing (row, column) or None), in the sense of numpy.allclose."""
    if got.shape != want.shape:
        return False, float("inf"), None
    diff = np.abs(got.astype(np.float64) - want)
    bad = ~(diff <= atol + rtol * np.abs(want))
    worst = tuple(int(i) for i in np.argwhere(bad)[0]) if bad.any() else None
    max_diff = float(diff.max()) if diff.size else 0.0
    return worst is None, max_diff if np.isfinite(max_diff) else float("inf"), worst


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--compiled", required=True, help="folder holding model.pt and compilation_specs.json")
    parser.add_argument("--features", required=True, help="features.json (the featurizer settings)")
    parser.add_argument("--inputs", required=True, help="golden input rows (test_files/inputs.json)")
    parser.add_argument("--golden", help="golden predictions (test_files/predictions.json); without it, only predict")
    parser.add_argument("--samples", type=int, default=SAMPLES)
    parser.add_argument("--atol", type=float, default=ATOL)
    parser.add_argument("--rtol", type=float, default=RTOL)
    parser.add_argument("--out", help="write the traced model's predictions here (JSON)")
    args = parser.parse_args()
    try:
        with open(args.inputs, encoding="utf-8") as f:
            rows = json.load(f)[: args.samples]
        golden = None
        if args.golden:
            with open(args.golden, encoding="utf-8") as f:
                golden = np.asarray(json.load(f)[: len(rows)], dtype=np.float64)
        featurizer = load_featurizer(args.features)
        model, specs = load_traced(args.compiled)
    except (OSError, ValueError, KeyError) as err:
        print("validate.py: %s" % err, file=sys.stderr)
        return 2
    except ImportError as err:
        print("validate.py: %s; a Neuron-traced model loads only with the Neuron SDK" % err, file=sys.stderr)
        return 3
    predictions = run(model, featurizer.encode(rows))
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump([[float(v) for v in row] for row in predictions], f)
            f.write("\\n")
    if golden is None:
        print("validate.py: predicted %d rows with %s" % (len(rows), specs.get("target")))
        return 0
    ok, max_diff, worst = compare(predictions, golden, args.atol, args.rtol)
    print("validate.py: max |diff| %.3e on %d rows (atol %g, rtol %g)" % (max_diff, len(rows), args.atol, args.rtol))
    if not ok:
        where = " (row %d, class %d: traced %r, golden %r)" % (worst[0] + 1, worst[1] + 1, float(predictions[worst]), float(golden[worst])) if worst else " (shapes %s vs %s)" % (list(predictions.shape), list(golden.shape))
        print("validate.py: the traced model differs from the golden predictions beyond atol + rtol%s" % where, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
`;
}
