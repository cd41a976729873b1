"""Trains, evaluates and exports one model: `python train.py JOB.json` (written by build.mjs).

The job names the task, the model folder (build.mjs has already written config.json and the
tokenizer files there), the tokenised data and the training settings. Training is seeded and
single-threaded with deterministic algorithms, so a job gives the same bytes on every run on
the same machine and library versions.
"""
import json
import math
import os
import sys
import time

import torch
import torch.nn.functional as F

# No __pycache__ beside the sources: the folder is committed, caches are not.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from export import as_args, export, pad_batch  # noqa: E402
from modeling import build_model  # noqa: E402


def length_batches(lengths, batch_size, generator):
    """One epoch of index batches: shuffled, with rows of similar length batched together
    (less padding to compute) and the batch order shuffled again."""
    perm = torch.randperm(len(lengths), generator=generator).tolist()
    chunk = batch_size * 32
    out = []
    for start in range(0, len(perm), chunk):
        part = sorted(perm[start : start + chunk], key=lambda i: (lengths[i], i))
        out += [part[j : j + batch_size] for j in range(0, len(part), batch_size)]
    order = torch.randperm(len(out), generator=generator).tolist()
    return [out[i] for i in order]


def forever(rows, batch_size, generator):
    lengths = [len(r["input_ids"]) for r in rows]
    while True:
        yield from length_batches(lengths, batch_size, generator)


def chunks(rows, size):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


# --- sequence classification -------------------------------------------------------------


def classification_loss(model, config, rows):
    batch = pad_batch([r["input_ids"] for r in rows], config["pad_token_id"])
    labels = torch.tensor([r["label"] for r in rows])
    return F.cross_entropy(model(*as_args(config, batch)), labels)


def classification_eval(model, config, rows):
    n_labels = len(config["id2label"])
    confusion = [[0] * n_labels for _ in range(n_labels)]
    for part in chunks(rows, 128):
        batch = pad_batch([r["input_ids"] for r in part], config["pad_token_id"])
        predicted = model(*as_args(config, batch)).argmax(-1).tolist()
        for r, p in zip(part, predicted):
            confusion[r["label"]][p] += 1
    total = sum(map(sum, confusion))
    f1s = []
    for k in range(n_labels):
        tp = confusion[k][k]
        fp = sum(confusion[j][k] for j in range(n_labels)) - tp
        fn = sum(confusion[k]) - tp
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return {"n": total, "accuracy": sum(confusion[k][k] for k in range(n_labels)) / total, "macro_f1": sum(f1s) / n_labels}


# --- token classification ----------------------------------------------------------------


def token_batch(config, rows):
    batch = pad_batch([r["input_ids"] for r in rows], config["pad_token_id"])
    labels = torch.full(batch["input_ids"].shape, -100, dtype=torch.long)
    for i, r in enumerate(rows):
        labels[i, : len(r["labels"])] = torch.tensor(r["labels"])
    return batch, labels


def token_loss(model, config, rows):
    batch, labels = token_batch(config, rows)
    logits = model(*as_args(config, batch))
    return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), labels.reshape(-1), ignore_index=-100)


def entities(tags):
    """(type, start, end) spans from BIO tags; an I- that does not continue its type starts
    a new entity, as seqeval's default (lenient) mode reads it."""
    spans, current = [], None
    for i, tag in enumerate(tags + ["O"]):
        kind = tag[2:] if tag != "O" else None
        if current and (tag == "O" or tag.startswith("B-") or kind != current[0]):
            spans.append((current[0], current[1], i))
            current = None
        if kind and current is None:
            current = (kind, i)
    return set(spans)


def token_eval(model, config, rows):
    id2label = config["id2label"]
    correct = total = tp = n_pred = n_gold = 0
    for part in chunks(rows, 128):
        batch, labels = token_batch(config, part)
        predicted = model(*as_args(config, batch)).argmax(-1)
        for i in range(len(part)):
            keep = labels[i] != -100
            gold = [id2label[str(t)] for t in labels[i][keep].tolist()]
            pred = [id2label[str(t)] for t in predicted[i][keep].tolist()]
            correct += sum(g == p for g, p in zip(gold, pred))
            total += len(gold)
            g, p = entities(gold), entities(pred)
            tp, n_pred, n_gold = tp + len(g & p), n_pred + len(p), n_gold + len(g)
    precision, recall = tp / max(n_pred, 1), tp / max(n_gold, 1)
    f1 = 2 * precision * recall / (precision + recall) if tp else 0.0
    return {"n": len(rows), "token_accuracy": correct / total, "entity_precision": precision, "entity_recall": recall, "entity_f1": f1}


# --- sentence embeddings for keyword extraction ------------------------------------------


def mean_pool(model, config, id_rows):
    batch = pad_batch(id_rows, config["pad_token_id"])
    hidden = model(*as_args(config, batch))
    mask = batch["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    return (hidden * mask).sum(1) / mask.sum(1)


def keyword_loss(model, config, rows, words, settings):
    """Each document against the words it could be summarised by: its own content words and
    the key words of the other documents in the batch (unless the document contains them).
    The target puts the document's probability mass on its key words, in proportion to their
    TF-IDF weight, so a document's mean-pooled vector moves towards what it is about and away
    from both its filler words and unrelated words."""
    vocab = sorted({w for r in rows for w in r["candidates"]} | {w for r in rows for w, _ in r["targets"]})
    column = {w: j for j, w in enumerate(vocab)}
    docs = F.normalize(mean_pool(model, config, [r["input_ids"] for r in rows]), dim=-1)
    cands = F.normalize(mean_pool(model, config, [words[w] for w in vocab]), dim=-1)
    logits = docs @ cands.T / settings["temperature"]
    allowed = torch.zeros_like(logits, dtype=torch.bool)
    target = torch.zeros_like(logits)
    others = {w for r in rows for w, _ in r["targets"]}
    for i, r in enumerate(rows):
        own = set(r["contains"])
        for w in r["candidates"]:
            allowed[i, column[w]] = True
        for w in others - own:
            allowed[i, column[w]] = True
        for w, weight in r["targets"]:
            allowed[i, column[w]] = True
            target[i, column[w]] = weight
    target = target / target.sum(1, keepdim=True)
    log_probs = torch.log_softmax(logits.masked_fill(~allowed, float("-inf")), dim=-1)
    return -(target * log_probs.masked_fill(~allowed, 0.0)).sum(1).mean()


def keyword_eval(model, config, rows, words):
    """KeyBERT's choice among a document's own candidate words (the single closest one) is
    a hit when it is one of the document's key words (TF-IDF top 3). The chance rate is what
    a uniformly random candidate would score."""
    hits = chance = 0.0
    for r in rows:
        doc = F.normalize(mean_pool(model, config, [r["input_ids"]]), dim=-1)
        cands = F.normalize(mean_pool(model, config, [words[w] for w in r["candidates"]]), dim=-1)
        best = r["candidates"][int((cands @ doc.T).squeeze(1).argmax())]
        keys = {w for w, _ in r["targets"]}
        hits += best in keys
        chance += len(keys & set(r["candidates"])) / len(r["candidates"])
    return {"n": len(rows), "hit_at_1": hits / len(rows), "chance": chance / len(rows)}


# --- the loop ----------------------------------------------------------------------------


def main(job_path):
    with open(job_path) as f:
        job = json.load(f)
    with open(job["data"]) as f:
        data = json.load(f)
    with open(os.path.join(job["model_dir"], "config.json")) as f:
        config = json.load(f)
    settings = job["train"]

    torch.manual_seed(settings["seed"])
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(1)
    model = build_model(config)
    generator = torch.Generator().manual_seed(settings["seed"])

    task = job["task"]
    if task == "sequence-classification":
        loss_fn, eval_fn = classification_loss, classification_eval
    elif task == "token-classification":
        loss_fn, eval_fn = token_loss, token_eval
    elif task == "keywords":
        words = data["words"]
        loss_fn = lambda m, c, rows: keyword_loss(m, c, rows, words, settings)  # noqa: E731
        eval_fn = lambda m, c, rows: keyword_eval(m, c, rows, words)  # noqa: E731
    else:
        raise SystemExit(f"unknown task {task}")

    # Word embeddings get their own, larger learning rate: a row only receives gradient when
    # its token occurs, a few dozen times in a build this short, while the encoder weights
    # are updated every step (and a post-LayerNorm encoder diverges at high rates).
    no_decay = lambda name: name.endswith("bias") or "LayerNorm" in name  # noqa: E731
    is_word_embedding = lambda name: name.endswith("word_embeddings.weight")  # noqa: E731
    params = list(model.named_parameters())
    optimizer = torch.optim.AdamW(
        [
            {"params": [p for n, p in params if is_word_embedding(n)], "weight_decay": 0.0, "lr": settings["embedding_learning_rate"]},
            {"params": [p for n, p in params if not is_word_embedding(n) and not no_decay(n)], "weight_decay": settings["weight_decay"]},
            {"params": [p for n, p in params if not is_word_embedding(n) and no_decay(n)], "weight_decay": 0.0},
        ],
        lr=settings["learning_rate"],
    )
    steps, warmup = settings["steps"], settings["warmup_steps"]
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / max(warmup, 1), max(0.0, (steps - s) / max(steps - warmup, 1)))
    )

    model.train()
    started, running = time.time(), 0.0
    batches = forever(data["train"], settings["batch_size"], generator)
    for step in range(1, steps + 1):
        rows = [data["train"][i] for i in next(batches)]
        loss = loss_fn(model, config, rows)
        optimizer.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        running += loss.item()
        if step % settings["log_every"] == 0 or step == steps:
            print(f"step {step}/{steps}  loss {running / ((step - 1) % settings['log_every'] + 1):.4f}  {time.time() - started:.0f}s", flush=True)
            running = 0.0

    print(f"trained in {time.time() - started:.0f}s", flush=True)
    model.eval()
    metrics = {}
    with torch.no_grad():
        for split, rows in sorted(data["test"].items()):
            metrics[split] = eval_fn(model, config, rows)
    print("METRICS " + json.dumps(metrics, sort_keys=True), flush=True)

    export(model, config, job["model_dir"], data["parity"], job["parity"])
    with open(job["metrics"], "w") as f:
        json.dump({"metrics": metrics, "train_seconds": round(time.time() - started, 1)}, f, indent=2, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1])
