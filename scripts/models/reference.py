"""Parity oracle: the builder's torch module, loaded from a model folder, run on given ids.

    $PYTHON scripts/models/reference.py MODEL_DIR < ids.json

ids.json: {"input_ids": [[...]], "attention_mask": [[...]], "token_type_ids": [[...]]}
(token_type_ids optional; RoBERTa-shaped models have none and ignore it). Prints
{"output": [...]}: logits for the classifiers, last_hidden_state for BertModel. The module is
rebuilt from config.json and pytorch_model.bin (strict load: every parameter must match), so
this checks the checkpoint, not the exported graphs.
"""
import json
import os
import sys

import torch

# No __pycache__ beside the sources: the folder is committed, caches are not.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modeling import build_model, input_names  # noqa: E402


def main(model_dir):
    with open(os.path.join(model_dir, "config.json")) as f:
        config = json.load(f)
    torch.set_num_threads(1)
    model = build_model(config)
    model.load_state_dict(torch.load(os.path.join(model_dir, "pytorch_model.bin"), map_location="cpu"), strict=True)
    model.eval()
    request = json.load(sys.stdin)
    ids = torch.tensor(request["input_ids"], dtype=torch.long)
    feeds = {
        "input_ids": ids,
        "attention_mask": torch.tensor(request.get("attention_mask", torch.ones_like(ids).tolist()), dtype=torch.long),
        "token_type_ids": torch.tensor(request.get("token_type_ids", torch.zeros_like(ids).tolist()), dtype=torch.long),
    }
    with torch.no_grad():
        output = model(*(feeds[name] for name in input_names(config)))
    json.dump({"output": output.tolist()}, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: reference.py MODEL_DIR < ids.json")
    main(sys.argv[1])
