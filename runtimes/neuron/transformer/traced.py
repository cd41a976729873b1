"""A traced transformer folder (model.pt + compilation.json) and how token ids reach it.

Neuron executes a traced model at the shapes it was compiled for, so every batch is brought
to them here: rows padded to max_length with the pad id (attention mask 0), batches cut into
chunks of batch_size, and, when the trace has a fixed batch, the last chunk filled with copies
of its last real row (real inputs, so no all-masked row can produce NaNs). The CPU twin is
fed exactly the same way. validate.py and sidecar.py both run batches through `Runner`, so
what is validated is what serves.
"""
import importlib
import json
import os

import numpy as np
import torch

COMPILATION = "compilation.json"
MODEL = "model.pt"


class TracedError(Exception):
    """A one-sentence problem with the traced folder or with the ids given to it."""


def load_compilation(folder):
    path = os.path.join(folder, COMPILATION)
    try:
        with open(path, encoding="utf-8") as f:
            spec = json.load(f)
    except OSError:
        raise TracedError("%s has no %s: it is not a folder written by compile.py" % (folder, COMPILATION))
    except ValueError as err:
        raise TracedError("%s is not valid JSON: %s" % (path, err))
    for key in ("inputs", "output", "batch_size", "max_length", "dynamic_batch", "pad_id", "neuron"):
        if key not in spec:
            raise TracedError("%s lacks %r: recompile with this version of compile.py" % (path, key))
    return spec


def import_neuron_sdk(instance):
    """The Neuron runtime registers its ops on import; a Neuron-traced model.pt needs them to load."""
    return importlib.import_module("torch_neuron" if instance == "inf1" else "torch_neuronx")


def load(folder):
    """(model, compilation spec); ImportError when a Neuron trace meets a machine without the SDK."""
    spec = load_compilation(folder)
    if spec["neuron"]:
        import_neuron_sdk(spec.get("instance"))
    path = os.path.join(folder, MODEL)
    if not os.path.isfile(path):
        raise TracedError("%s has no %s" % (folder, MODEL))
    model = torch.jit.load(path)
    model.eval()
    return model, spec


def first_tensor(out):
    """Hugging Face models traced with torchscript=True return tuples; the task reads the first."""
    if isinstance(out, (tuple, list)):
        return out[0]
    if isinstance(out, dict):
        return next(iter(out.values()))
    return out


class Runner:
    """Runs [rows, length] int64 id batches at the traced shape and returns the rows' outputs."""

    def __init__(self, model, spec):
        self.model = model
        self.inputs = list(spec["inputs"])
        self.batch_size = int(spec["batch_size"])
        self.max_length = int(spec["max_length"])
        self.dynamic_batch = bool(spec["dynamic_batch"])
        self.pad_id = int(spec["pad_id"])

    def run(self, arrays):
        """`arrays`: one int64 array [rows, length] per input, in `self.inputs` order.

        Returns float32 [rows, width] (sequence classifiers) or [rows, length, width] (per-token
        outputs, cut back to the given length).
        """
        if len(arrays) != len(self.inputs):
            raise TracedError("the model takes %d inputs (%s), got %d" % (len(self.inputs), ", ".join(self.inputs), len(arrays)))
        shape = arrays[0].shape
        if len(shape) != 2 or shape[0] < 1 or shape[1] < 1:
            raise TracedError("ids must be [rows, length] with at least one row and one token, got %s" % (list(shape),))
        if any(a.shape != shape for a in arrays):
            raise TracedError("every input must have the shape of input_ids %s" % (list(shape),))
        rows, length = shape
        if length > self.max_length:
            raise TracedError("the sequences are %d tokens long; the model was traced at max_length %d" % (length, self.max_length))
        padded = []
        for name, a in zip(self.inputs, arrays):
            full = np.full((rows, self.max_length), self.pad_id if name == "input_ids" else 0, dtype=np.int64)
            full[:, :length] = a
            padded.append(full)
        outputs = []
        with torch.no_grad():
            for start in range(0, rows, self.batch_size):
                chunk = [p[start:start + self.batch_size] for p in padded]
                real = chunk[0].shape[0]
                if real < self.batch_size and not self.dynamic_batch:
                    fill = self.batch_size - real
                    chunk = [np.concatenate([c, np.repeat(c[-1:], fill, axis=0)]) for c in chunk]
                out = first_tensor(self.model(*[torch.from_numpy(np.ascontiguousarray(c)) for c in chunk]))
                outputs.append(out.detach().to(torch.float32).cpu().numpy()[:real])
        out = np.concatenate(outputs)
        if out.ndim == 3:
            out = out[:, :length, :]
        return np.ascontiguousarray(out, dtype=np.float32)
