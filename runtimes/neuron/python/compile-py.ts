/**
 * compile.py: rebuilds the trained network as a PyTorch module generated for this
 * project's architecture, loads its weights from the trained model.onnx initializers
 * (onnx.numpy_helper), and traces it at the fixed shape [batch_size, width]:
 * torch_neuronx.trace (inf2/trn1, optionally wrapped with dynamic_batch), torch.neuron.trace
 * (inf1: dynamic_batch_size, fallback off, compiler args), or torch.jit.trace for the CPU
 * twin. Writes model.pt and compilation_specs.json. Exit codes: 0 ok, 3 a library is
 * missing, 4 the weights do not fit the architecture, 1 anything else.
 */
import { pyLiteral, type NeuronScriptConfig } from "../script-config.js";

function moduleClass(cfg: NeuronScriptConfig): string {
  const last = cfg.layers.length - 2;
  const init = cfg.layers.slice(0, -1).map((w, l) => `        self.layer${l} = torch.nn.Linear(${w}, ${cfg.layers[l + 1]})`);
  const forward = cfg.layers.slice(0, -1).flatMap((_, l) => [`        x = self.layer${l}(x)`, ...(l < last ? ["        x = torch.relu(x)"] : [])]);
  const width = cfg.layers[0];
  return [
    "class MeshClassifier(torch.nn.Module):",
    `    """${cfg.key}: ${cfg.layers.join(" -> ")}${cfg.standardize ? " after (x - mean) / std" : ""}, softmax: the graph train exported."""`,
    "",
    "    def __init__(self):",
    "        super().__init__()",
    ...(cfg.standardize ? [`        self.register_buffer("mean", torch.zeros(${width}))`, `        self.register_buffer("std", torch.ones(${width}))`] : []),
    ...init,
    "",
    "    def forward(self, features):",
    cfg.standardize ? "        x = (features - self.mean) / self.std" : "        x = features",
    ...forward,
    "        return torch.softmax(x, dim=-1)",
  ].join("\n");
}

/** The text of compile.py for one Neuron target. */
export function compilePy(header: string, cfg: NeuronScriptConfig): string {
  const layerCount = cfg.layers.length - 1;
  return `# ${header}
"""Trace the ${cfg.key} model for ${cfg.instance} (or on CPU with --target cpu) at [${cfg.batchSize}, ${cfg.layers[0]}]."""
import argparse
import importlib
import json
import os
import sys

try:
    import numpy as np
    import onnx
    from onnx import numpy_helper
    import torch
except ImportError as err:
    print("compile.py: %s for %s; install python3-torch, python3-onnx and python3-numpy (Debian) or use the Neuron image, or set PYTHON to an interpreter that has them" % (err, sys.executable), file=sys.stderr)
    sys.exit(3)

INSTANCE = ${pyLiteral(cfg.instance)}
BATCH_SIZE = ${cfg.batchSize}
WIDTH = ${cfg.layers[0]}
LAYERS = ${pyLiteral(cfg.layers)}
DYNAMIC_BATCH = ${pyLiteral(cfg.dynamicBatch)}
COMPILER_ARGS = ${pyLiteral(cfg.compilerArgs)}
STANDARDIZE = ${pyLiteral(cfg.standardize)}
INPUT_NAME = "features"
OUTPUT_NAME = "probabilities"


class WeightsMismatch(Exception):
    pass


${moduleClass(cfg)}


def load_weights(model, onnx_path):
    """Copies the ONNX initializers into the module; MatMul's B is [in, out], Linear's weight [out, in]."""
    graph = onnx.load(onnx_path).graph
    inits = {t.name: numpy_helper.to_array(t) for t in graph.initializer}
    wanted = ["W%d" % i for i in range(${layerCount})] + ["b%d" % i for i in range(${layerCount})] + (["mean", "std"] if STANDARDIZE else [])
    missing = [name for name in wanted if name not in inits]
    if missing:
        raise WeightsMismatch("model.onnx lacks the initializers %s of a %s network" % (", ".join(missing), " -> ".join(map(str, LAYERS))))
    with torch.no_grad():
        for i in range(${layerCount}):
            layer = getattr(model, "layer%d" % i)
            w, b = inits["W%d" % i], inits["b%d" % i]
            if tuple(w.shape) != (LAYERS[i], LAYERS[i + 1]) or tuple(b.shape) != (LAYERS[i + 1],):
                raise WeightsMismatch("W%d is %s and b%d is %s in model.onnx, the spec's architecture needs [%d, %d] and [%d]" % (i, list(w.shape), i, list(b.shape), LAYERS[i], LAYERS[i + 1], LAYERS[i + 1]))
            layer.weight.copy_(torch.from_numpy(np.ascontiguousarray(w.T, dtype=np.float32)))
            layer.bias.copy_(torch.from_numpy(np.array(b, dtype=np.float32)))
        if STANDARDIZE:
            for name in ("mean", "std"):
                if tuple(inits[name].shape) != (WIDTH,):
                    raise WeightsMismatch("%s is %s in model.onnx, expected [%d]" % (name, list(inits[name].shape), WIDTH))
                getattr(model, name).copy_(torch.from_numpy(np.array(inits[name], dtype=np.float32)))
    return model.eval()


def trace(model, example, target):
    """Returns (traced module, tracing kwargs recorded in compilation_specs.json)."""
    if target == "cpu":
        return torch.jit.trace(model, example), {}
    if INSTANCE == "inf1":
        importlib.import_module("torch_neuron")  # registers torch.neuron
        kwargs = {"dynamic_batch_size": DYNAMIC_BATCH, "compiler_args": COMPILER_ARGS, "fallback": False, "strict": False}
        return torch.neuron.trace(model, example_inputs=[example], **kwargs), kwargs
    neuronx = importlib.import_module("torch_neuronx")
    kwargs = {"compiler_args": COMPILER_ARGS}
    traced = neuronx.trace(model, example, **kwargs)
    if DYNAMIC_BATCH:
        traced = neuronx.dynamic_batch(traced)
        kwargs = dict(kwargs, dynamic_batch=True)
    return traced, kwargs


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--model", required=True, help="the trained model.onnx")
    parser.add_argument("--out", required=True, help="folder for model.pt and compilation_specs.json")
    parser.add_argument("--target", choices=["neuron", "cpu"], default="neuron")
    args = parser.parse_args()
    try:
        model = load_weights(MeshClassifier(), args.model)
    except WeightsMismatch as err:
        print("compile.py: %s" % err, file=sys.stderr)
        return 4
    example = torch.zeros(BATCH_SIZE, WIDTH, dtype=torch.float32)
    try:
        traced, kwargs = trace(model, example, args.target)
    except ImportError as err:
        print("compile.py: %s; the neuron target needs the Neuron SDK (the mesh-neuron-compile image); use --target cpu to trace on this machine" % err, file=sys.stderr)
        return 3
    os.makedirs(args.out, exist_ok=True)
    torch.jit.save(traced, os.path.join(args.out, "model.pt"))
    specs = {
        "input": {"name": INPUT_NAME, "shape": [BATCH_SIZE, WIDTH], "datatype": "FP32"},
        "instance": INSTANCE,
        "layers": LAYERS,
        "output": OUTPUT_NAME,
        "target": args.target,
        "torch": torch.__version__,
        "tracing__batch_size": BATCH_SIZE,
        "tracing__max_length": WIDTH,
        "tracing__neuron": args.target == "neuron",
        "tracing_kwargs": kwargs,
    }
    with open(os.path.join(args.out, "compilation_specs.json"), "w", encoding="utf-8") as f:
        json.dump(specs, f, indent=2, sort_keys=True)
        f.write("\\n")
    print("compile.py: traced %s for %s at [%d, %d] -> %s" % (" -> ".join(map(str, LAYERS)), args.target if args.target == "cpu" else INSTANCE, BATCH_SIZE, WIDTH, os.path.join(args.out, "model.pt")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
`;
}
