"""Writes a trained module as the files of a Hugging Face model folder and checks them.

  pytorch_model.bin  torch.save of the state dict (Hugging Face parameter names)
  torchscript.pt     torch.jit.trace over (input_ids, attention_mask[, token_type_ids])
  model.onnx         torch.onnx.export, opset 14, batch and sequence axes dynamic

Both the trace and the ONNX graph are recorded at one shape; the trace is re-run here at other
shapes against the eager module, and the ONNX graph is checked by the Node side (onnxruntime-
node) against the eager outputs this module writes to parity.json.
"""
import json
import os

import onnx
import torch

from modeling import input_names


def output_spec(config):
    """Optimum's output name and dynamic axes for the architecture."""
    arch = config["architectures"][0]
    if arch == "BertModel":
        return "last_hidden_state", {0: "batch_size", 1: "sequence_length"}
    if arch.endswith("TokenClassification"):
        return "logits", {0: "batch_size", 1: "sequence_length"}
    return "logits", {0: "batch_size"}


def pad_batch(rows, pad_id):
    """rows: lists of token ids → dict of [batch, longest] int64 tensors (right padding)."""
    longest = max(len(r) for r in rows)
    ids = torch.full((len(rows), longest), pad_id, dtype=torch.long)
    mask = torch.zeros((len(rows), longest), dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = torch.tensor(r, dtype=torch.long)
        mask[i, : len(r)] = 1
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": torch.zeros_like(ids)}


def as_args(config, batch):
    return tuple(batch[name] for name in input_names(config))


def export(model, config, out_dir, parity_rows, parity_path):
    model.eval()
    names = input_names(config)
    pad_id = config["pad_token_id"]
    torch.save(model.state_dict(), os.path.join(out_dir, "pytorch_model.bin"))

    # Record at batch 2 and a length no real input is likely to share, so a shape baked into
    # the graph by mistake shows up in the checks below.
    example = pad_batch([parity_rows[0][:7], parity_rows[1][:5]], pad_id)
    with torch.no_grad():
        traced = torch.jit.trace(model, as_args(config, example), check_trace=False)
    traced.save(os.path.join(out_dir, "torchscript.pt"))

    output_name, output_axes = output_spec(config)
    axes = {name: {0: "batch_size", 1: "sequence_length"} for name in names}
    axes[output_name] = output_axes
    with torch.no_grad():
        torch.onnx.export(
            model,
            as_args(config, example),
            os.path.join(out_dir, "model.onnx"),
            input_names=names,
            output_names=[output_name],
            dynamic_axes=axes,
            opset_version=14,
            do_constant_folding=True,
        )

    # ONNX's own checker with full shape inference: other tools (Neuron, converters) read
    # the graph too, not only onnxruntime. Given a loaded proto, not a path: with a path,
    # onnx 1.12 writes the shape-inferred graph back over the file.
    onnx.checker.check_model(onnx.load(os.path.join(out_dir, "model.onnx")), full_check=True)

    # Parity cases: one row, then batches of rows of different lengths (padding exercised).
    cases = []
    reloaded = torch.jit.load(os.path.join(out_dir, "torchscript.pt"))
    trace_delta = 0.0
    for rows in ([parity_rows[0]], parity_rows[1:4], parity_rows[4:11]):
        batch = pad_batch(rows, pad_id)
        with torch.no_grad():
            eager = model(*as_args(config, batch))
            trace_delta = max(trace_delta, (reloaded(*as_args(config, batch)) - eager).abs().max().item())
        cases.append({"inputs": {n: batch[n].tolist() for n in names}, "output": eager.tolist()})
    with open(parity_path, "w") as f:
        json.dump({"output_name": output_name, "cases": cases}, f)
    print(f"torchscript vs eager at other shapes: max |delta| = {trace_delta:.2e}", flush=True)
    if trace_delta > 1e-5:
        raise SystemExit("torchscript.pt does not reproduce the module at other shapes")
