"""Trace a Hugging Face transformer for AWS Neuron, or on CPU with --target cpu, at fixed shapes.

    python3 compile.py --model-dir TRAINED --out OUT [--target neuron|cpu] [--config neuron.json]

neuron.json (beside this file unless --config) holds the task, instance, batch size, max length,
dynamic batching, compiler arguments and the model's input and output names. The model comes
from the folder: with `transformers` importable and weights present, AutoModelFor<Task>
.from_pretrained(folder, torchscript=True) (how the seed loaded it); otherwise the folder's
torchscript.pt (torch.jit.load), which is all the CPU twin needs. It is traced with int64
example inputs of shape (batch_size, max_length):

    inf2 / trn1  torch_neuronx.trace(model, inputs, compiler_args=...), + dynamic_batch
    inf1         torch.neuron.trace(model, inputs, dynamic_batch_size=..., fallback=False,
                 compiler_args=..., strict=False)
    cpu          torch.jit.trace(model, inputs)

OUT receives model.pt, compilation.json (shapes, names, settings) and the folder's tokenizer and
config files, so it is again a complete model folder. Token ids are never made here: mesh's
TypeScript tokenizer writes them (validate.py reads them from encoded.json).

Exit codes: 0 traced, 2 the folder or neuron.json is unusable, 3 torch or the Neuron SDK is
missing, 4 the model does not take or return what neuron.json says, 1 anything else.
"""
import argparse
import importlib
import json
import os
import shutil
import sys

try:
    import torch
except ImportError as err:
    print("compile.py: %s for %s; install python3-torch (Debian) or use the Neuron image, or set PYTHON to an interpreter that has it" % (err, sys.executable), file=sys.stderr)
    sys.exit(3)

HERE = os.path.dirname(os.path.abspath(__file__))
TORCHSCRIPT = "torchscript.pt"
WEIGHTS = ("pytorch_model.bin", "model.safetensors")
# Weights and graphs stay behind: the traced model.pt replaces them in the compiled folder.
NOT_COPIED_SUFFIXES = (".onnx", ".onnx_data", ".bin", ".pt", ".pth", ".safetensors", ".h5", ".msgpack", ".ckpt")
NOT_COPIED = {"card.json", "test_files", "onnx", "compilation.json"}
AUTO_CLASSES = {
    "text-classification": "AutoModelForSequenceClassification",
    "token-classification": "AutoModelForTokenClassification",
    "feature-extraction": "AutoModel",
    "keyword-extraction": "AutoModel",
}


class Refused(Exception):
    """A problem with the inputs, reported as one sentence; `code` is the exit code."""

    def __init__(self, message, code=2):
        super().__init__(message)
        self.code = code


def read_json(path, what):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except OSError:
        raise Refused("%s is missing (%s)" % (path, what))
    except ValueError as err:
        raise Refused("%s is not valid JSON: %s" % (path, err))


def read_config(path):
    cfg = read_json(path, "the Neuron target settings mesh writes")
    for key in ("task", "instance", "batch_size", "max_length", "dynamic_batch", "compiler_args", "inputs", "output"):
        if key not in cfg:
            raise Refused("%s lacks %r" % (path, key))
    if cfg["task"] not in AUTO_CLASSES:
        raise Refused("%s names the task %r; compile.py traces %s" % (path, cfg["task"], ", ".join(sorted(AUTO_CLASSES))))
    if cfg["inputs"][:2] != ["input_ids", "attention_mask"]:
        raise Refused("%s must list input_ids and attention_mask first, got %s" % (path, cfg["inputs"]))
    return cfg


def labels_of(hf):
    """config.json id2label in id order ([] for an encoder without a head)."""
    raw = hf.get("id2label") or {}
    try:
        return [raw[k] for k in sorted(raw, key=int)]
    except (TypeError, ValueError):
        raise Refused("config.json id2label must map integer ids to names")


def usable_positions(hf):
    """Positions a sequence may use; RoBERTa-style models start counting after the pad id."""
    positions = hf.get("max_position_embeddings") or hf.get("n_positions")
    if not isinstance(positions, int):
        return None
    if hf.get("model_type") in ("roberta", "xlm-roberta", "camembert"):
        positions -= int(hf.get("pad_token_id", 1)) + 1
    return positions


class FirstOutput(torch.nn.Module):
    """Returns the one tensor the task reads, whatever container the model answers with."""

    def __init__(self, model):
        super().__init__()
        self.model = model

    def forward(self, *inputs):
        out = self.model(*inputs)
        if isinstance(out, (tuple, list)):
            return out[0]
        if isinstance(out, dict):
            return next(iter(out.values()))
        return out


def load_model(folder, task, source):
    """(module, where it came from). `source` is auto, transformers or torchscript."""
    has_weights = any(os.path.isfile(os.path.join(folder, w)) for w in WEIGHTS)
    torchscript = os.path.join(folder, TORCHSCRIPT)
    transformers = None
    if source in ("auto", "transformers"):
        try:
            transformers = importlib.import_module("transformers")
        except ImportError:
            if source == "transformers":
                raise Refused("--source transformers needs the transformers package, which %s cannot import" % sys.executable, 3)
    if transformers is not None and has_weights:
        cls = getattr(transformers, AUTO_CLASSES[task])
        return cls.from_pretrained(folder, torchscript=True).eval(), "transformers"
    if source == "transformers":
        raise Refused("%s has no %s for from_pretrained" % (folder, " or ".join(WEIGHTS)))
    if os.path.isfile(torchscript):
        return torch.jit.load(torchscript, map_location="cpu").eval(), "torchscript"
    if transformers is None and has_weights:
        raise Refused("%s has no %s, and transformers is not importable here to load its weights; export torchscript.pt beside them or compile where transformers is installed" % (folder, TORCHSCRIPT))
    raise Refused("%s has no %s and no weights (%s)" % (folder, TORCHSCRIPT, ", ".join(WEIGHTS)))


def example_inputs(cfg, batch, length):
    """Zero ids and type ids at the traced shape; the mask is all ones so no row is fully masked
    (the trace's check run would otherwise compare NaNs)."""
    out = []
    for name in cfg["inputs"]:
        fill = torch.ones if name == "attention_mask" else torch.zeros
        out.append(fill((batch, length), dtype=torch.long))
    return tuple(out)


def check_output(out, cfg, labels, batch, length):
    """The eager output's shape against the task: [B, labels], [B, L, labels] or [B, L, hidden]."""
    task = cfg["task"]
    shape = list(out.shape)
    if task == "text-classification":
        want = "[%d, %d]" % (batch, len(labels))
        ok = shape == [batch, len(labels)]
    elif task == "token-classification":
        want = "[%d, %d, %d]" % (batch, length, len(labels))
        ok = shape == [batch, length, len(labels)]
    else:
        want = "[%d, %d, hidden]" % (batch, length)
        ok = len(shape) == 3 and shape[:2] == [batch, length]
    if not ok:
        raise Refused("%s needs a %s output %s at the traced shape; the model answered %s" % (task, cfg["output"], want, shape), 4)
    return shape


def trace(model, example, cfg, target):
    """(traced module, the tracing arguments recorded in compilation.json)."""
    if target == "cpu":
        return torch.jit.trace(model, example), {}
    if cfg["instance"] == "inf1":
        importlib.import_module("torch_neuron")  # registers torch.neuron
        kwargs = {"dynamic_batch_size": bool(cfg["dynamic_batch"]), "compiler_args": list(cfg["compiler_args"]), "fallback": False, "strict": False}
        return torch.neuron.trace(model, example_inputs=example, **kwargs), kwargs
    neuronx = importlib.import_module("torch_neuronx")
    kwargs = {"compiler_args": list(cfg["compiler_args"])}
    traced = neuronx.trace(model, example, **kwargs)
    if cfg["dynamic_batch"]:
        traced = neuronx.dynamic_batch(traced)
        kwargs = dict(kwargs, dynamic_batch=True)
    return traced, kwargs


def copy_folder_files(src, dst):
    """Tokenizer, config and other small files: what the server needs besides model.pt."""
    copied = []
    for name in sorted(os.listdir(src)):
        path = os.path.join(src, name)
        if name in NOT_COPIED or name.endswith(NOT_COPIED_SUFFIXES) or not os.path.isfile(path):
            continue
        shutil.copyfile(path, os.path.join(dst, name))
        copied.append(name)
    return copied


def sdk_version(target, instance):
    if target == "cpu":
        return None
    name = "torch_neuron" if instance == "inf1" else "torch_neuronx"
    return getattr(importlib.import_module(name), "__version__", "unknown")


def compile_folder(args):
    cfg = read_config(args.config)
    hf = read_json(os.path.join(args.model_dir, "config.json"), "the model's Hugging Face config")
    labels = labels_of(hf)
    batch, length = int(cfg["batch_size"]), int(cfg["max_length"])
    positions = usable_positions(hf)
    if positions is not None and length > positions:
        raise Refused("max_length %d of the %s target exceeds the %d positions the model has (config.json max_position_embeddings)" % (length, cfg["instance"], positions))
    if cfg["task"] in ("text-classification", "token-classification") and not labels:
        raise Refused("%s needs labels, and config.json has no id2label" % cfg["task"])
    model, source = load_model(args.model_dir, cfg["task"], args.source)
    module = FirstOutput(model).eval()
    example = example_inputs(cfg, batch, length)
    try:
        with torch.no_grad():
            eager = module(*example)
    except Exception as err:  # the model's own error: wrong inputs for this architecture
        raise Refused("the model does not run on %s [%d, %d]: %s" % (", ".join(cfg["inputs"]), batch, length, str(err).splitlines()[0] if str(err) else type(err).__name__), 4)
    shape = check_output(eager, cfg, labels, batch, length)
    try:
        with torch.no_grad():
            traced, kwargs = trace(module, example, cfg, args.target)
    except ImportError as err:
        raise Refused("%s; the neuron target needs the Neuron SDK (the mesh-neuron-compile image on an Inferentia/Trainium host); use --target cpu to trace on this machine" % err, 3)
    with torch.no_grad():
        again = FirstOutput(traced)(*example)
    delta = float((again.to(torch.float32) - eager.to(torch.float32)).abs().max())
    os.makedirs(args.out, exist_ok=True)
    torch.jit.save(traced, os.path.join(args.out, "model.pt"))
    copied = copy_folder_files(args.model_dir, args.out)
    spec = {
        "architecture": (hf.get("architectures") or ["unknown"])[0],
        "batch_size": batch,
        "compiler_args": list(cfg["compiler_args"]) if args.target == "neuron" else [],
        "dynamic_batch": bool(cfg["dynamic_batch"]),
        "files": copied,
        "hidden_size": hf.get("hidden_size") or hf.get("dim") or 0,
        "inputs": list(cfg["inputs"]),
        "instance": cfg["instance"],
        "labels": labels,
        "max_length": length,
        "model_type": hf.get("model_type", "unknown"),
        "neuron": args.target == "neuron",
        "neuron_sdk": sdk_version(args.target, cfg["instance"]),
        "output": cfg["output"],
        "output_shape": shape,
        "pad_id": int(hf.get("pad_token_id") or 0),
        "source": source,
        "target": args.target,
        "task": cfg["task"],
        "torch": torch.__version__,
        "trace_max_abs_diff": delta,
        "tracing_kwargs": kwargs,
        "vocab_size": hf.get("vocab_size") or 0,
    }
    with open(os.path.join(args.out, "compilation.json"), "w", encoding="utf-8") as f:
        json.dump(spec, f, indent=2, sort_keys=True)
        f.write("\n")
    where = args.target if args.target == "cpu" else cfg["instance"]
    print("compile.py: traced %s (%s) for %s at [%d, %d], max |delta| %.2e against the eager model -> %s" % (spec["architecture"], source, where, batch, length, delta, os.path.join(args.out, "model.pt")))


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model-dir", required=True, help="the trained version's folder (config.json, tokenizer files, torchscript.pt or weights)")
    parser.add_argument("--out", required=True, help="folder for model.pt, compilation.json and the tokenizer/config files")
    parser.add_argument("--target", choices=["neuron", "cpu"], default="neuron")
    parser.add_argument("--config", default=os.path.join(HERE, "neuron.json"), help="the target settings (default: neuron.json beside this file)")
    parser.add_argument("--source", choices=["auto", "transformers", "torchscript"], default="auto", help="where the module comes from (default: transformers when importable, else torchscript.pt)")
    args = parser.parse_args()
    try:
        compile_folder(args)
    except Refused as err:
        print("compile.py: %s" % err, file=sys.stderr)
        return err.code
    return 0


if __name__ == "__main__":
    sys.exit(main())
