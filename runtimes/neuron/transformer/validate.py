"""Validate a traced transformer against the trained version's golden outputs.

    python3 validate.py --compiled OUT --encoded encoded.json [--golden predictions.json]
                        [--out traced.json] [--config neuron.json] [--atol A] [--rtol R]

encoded.json holds the golden documents as token ids, written by mesh's TypeScript tokenizer
({"input_ids": [[...]], "attention_mask": [[...]], "token_type_ids": [[...]]}, right-padded).
They run through the traced model in chunks of its batch size (traced.Runner), and each
document becomes one row in the layout of the goldens (test_files/predictions.json), the rule
of runtimes/transformers/pipeline.ts `rawOutputs`:

    logits        sequence classifiers: the logits row
    token-logits  token classifiers: the document's real tokens x labels, flattened
    pooled        encoders: the tokens pooled (cls, masked mean or max), L2-normalised when
                  neuron.json says so (feature-extraction with normalize)

With --golden, every value must satisfy |traced - golden| <= atol + rtol * |golden|; the max
|diff| is printed. Exit codes: 0 ok, 1 validation failed, 2 bad arguments or files, 3 a library
(or the Neuron SDK for a Neuron trace) is missing.
"""
import argparse
import json
import os
import sys

try:
    import numpy as np
    import traced  # imports torch
except ImportError as err:
    print("validate.py: %s for %s; install python3-torch and python3-numpy (Debian) or use the Neuron image, or set PYTHON to an interpreter that has them" % (err, sys.executable), file=sys.stderr)
    sys.exit(3)

HERE = os.path.dirname(os.path.abspath(__file__))
MASKED = -1e9  # what sentence-transformers writes over masked positions before max pooling
NORM_EPS = 1e-12  # torch.nn.functional.normalize's floor


class Refused(Exception):
    pass


def read_json(path, what):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError:
        raise Refused("%s is missing (%s)" % (path, what))
    except ValueError as err:
        raise Refused("%s is not valid JSON: %s" % (path, err))


def encoded_arrays(encoded, names, path):
    """The inputs the model takes, as int64 arrays, and the real length of each row."""
    if not isinstance(encoded, dict) or "input_ids" not in encoded or "attention_mask" not in encoded:
        raise Refused("%s must hold input_ids and attention_mask" % path)
    arrays = []
    for name in names:
        if name not in encoded:
            raise Refused("the model takes %s, which %s lacks" % (name, path))
        rows = encoded[name]
        if not isinstance(rows, list) or not rows or len({len(r) for r in rows}) != 1:
            raise Refused("%s %s must be a non-empty list of equally long rows (padded by mesh)" % (path, name))
        arrays.append(np.asarray(rows, dtype=np.int64))
    mask = np.asarray(encoded["attention_mask"], dtype=np.int64)
    lengths = (mask != 0).sum(axis=1)
    return arrays, lengths, mask


def pool(hidden, mask, mode):
    """One sequence [L, H] → [H], as sentence-transformers pools (runtimes/transformers/postprocess/pooling.ts)."""
    if mode == "cls":
        return hidden[0].astype(np.float64)
    keep = hidden[mask != 0].astype(np.float64)
    if mode == "mean":
        return keep.mean(axis=0) if keep.shape[0] else np.zeros(hidden.shape[1])
    if mode == "max":
        best = keep.max(axis=0) if keep.shape[0] else np.full(hidden.shape[1], -np.inf)
        return np.maximum(best, MASKED) if keep.shape[0] < hidden.shape[0] else best
    raise Refused("unknown pooling %r in neuron.json" % mode)


def golden_rows(out, lengths, mask, golden):
    """The traced output of each document in the goldens' layout (see the module docstring)."""
    layout = golden.get("layout")
    rows = []
    for i in range(out.shape[0]):
        n = int(lengths[i])
        if layout == "logits":
            rows.append(out[i].astype(np.float64))
        elif layout == "token-logits":
            rows.append(out[i, :n, :].reshape(-1).astype(np.float64))
        elif layout == "pooled":
            v = pool(out[i, :n, :], mask[i, :n], golden.get("pooling", "mean"))
            if golden.get("normalize"):
                v = v / max(float(np.sqrt((v * v).sum())), NORM_EPS)
            rows.append(v.astype(np.float32).astype(np.float64))
        else:
            raise Refused("unknown golden layout %r in neuron.json" % layout)
    return rows


def compare(got, want, atol, rtol):
    """(max |diff|, first failure as (row, value, got, want) or None), in numpy.allclose's sense."""
    max_diff = 0.0
    worst = None
    for i, (g, w) in enumerate(zip(got, want)):
        w = np.asarray(w, dtype=np.float64)
        if g.shape != w.shape:
            return float("inf"), (i, -1, g.shape[0], w.shape[0])
        diff = np.abs(g - w)
        bad = ~(diff <= atol + rtol * np.abs(w))
        if bad.any() and worst is None:
            j = int(np.argwhere(bad)[0][0])
            worst = (i, j, float(g[j]), float(w[j]))
        if diff.size:
            m = float(diff.max())
            max_diff = float("inf") if not np.isfinite(m) else max(max_diff, m)
    return max_diff, worst


def describe(worst):
    i, j, g, w = worst
    if j == -1:
        return "row %d has %d values, the golden row %d" % (i + 1, g, w)
    return "row %d, value %d: traced %r, golden %r" % (i + 1, j + 1, g, w)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--compiled", required=True, help="the folder compile.py wrote (model.pt, compilation.json)")
    parser.add_argument("--encoded", required=True, help="the golden documents as token ids (encoded.json, written by mesh)")
    parser.add_argument("--config", default=os.path.join(HERE, "neuron.json"), help="the target settings (default: neuron.json beside this file)")
    parser.add_argument("--golden", help="the golden outputs (test_files/predictions.json); without it, only predict")
    parser.add_argument("--atol", type=float)
    parser.add_argument("--rtol", type=float)
    parser.add_argument("--out", help="write the traced model's rows here (JSON)")
    args = parser.parse_args()
    try:
        cfg = read_json(args.config, "the Neuron target settings mesh writes")
        tolerance = cfg.get("validate") or {}
        atol = args.atol if args.atol is not None else float(tolerance.get("atol", 1e-4))
        rtol = args.rtol if args.rtol is not None else float(tolerance.get("rtol", 1e-3))
        model, spec = traced.load(args.compiled)
        arrays, lengths, mask = encoded_arrays(read_json(args.encoded, "token ids written by mesh"), spec["inputs"], args.encoded)
        golden = read_json(args.golden, "the trained version's golden outputs") if args.golden else None
        out = traced.Runner(model, spec).run(arrays)
        rows = golden_rows(out, lengths, mask, cfg.get("golden") or {})
    except (Refused, traced.TracedError) as err:
        print("validate.py: %s" % err, file=sys.stderr)
        return 2
    except ImportError as err:
        print("validate.py: %s; a Neuron-traced model loads only with the Neuron SDK" % err, file=sys.stderr)
        return 3
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            json.dump([[float(v) for v in row] for row in rows], f)
            f.write("\n")
    if golden is None:
        print("validate.py: predicted %d documents with the %s trace" % (len(rows), spec.get("target")))
        return 0
    if not isinstance(golden, list) or len(golden) < len(rows):
        print("validate.py: %s holds %s golden rows for %d documents" % (args.golden, len(golden) if isinstance(golden, list) else "no", len(rows)), file=sys.stderr)
        return 2
    max_diff, worst = compare(rows, golden[: len(rows)], atol, rtol)
    print("validate.py: max |diff| %.3e on %d documents (atol %g, rtol %g)" % (max_diff, len(rows), atol, rtol))
    if worst is not None:
        print("validate.py: the traced model differs from the golden outputs beyond atol + rtol (%s)" % describe(worst), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
