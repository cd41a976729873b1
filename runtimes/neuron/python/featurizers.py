import json
import math
import re

import numpy as np

FNV_OFFSET = 0x811C9DC5
FNV_PRIME = 0x01000193
TOKEN = re.compile(r"[^\W_]+")


def fnv1a_from(state, data):
    """FNV-1a (32-bit) continued over bytes."""
    h = state
    for b in data:
        h = ((h ^ b) * FNV_PRIME) & 0xFFFFFFFF
    return h


def truncate_utf16(text, max_units):
    """text[:max_units] as JavaScript counts it (UTF-16 code units).

    A character cut in half would leave a lone surrogate, which is no token character
    either, so dropping it gives the same tokens.
    """
    if len(text) <= max_units // 2:
        return text
    units = 0
    for i, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > max_units:
            return text[:i]
    return text


def tokenize(text, lowercase, max_chars):
    t = truncate_utf16(text, max_chars)
    if lowercase:
        t = t.lower()
    return TOKEN.findall(t)


def hashed_ngrams_sparse(text, dims, ngrams, lowercase, max_chars):
    """(buckets ascending, float32 values) of one text: the non-zero entries of its row."""
    tokens = tokenize(text, lowercase, max_chars)
    heads = [fnv1a_from(FNV_OFFSET, t.encode("utf-8")) for t in tokens]
    lo, hi = ngrams
    counts = {}
    for n in range(lo, hi + 1):
        for i in range(len(tokens) - n + 1):
            h = heads[i]
            for k in range(1, n):
                h = fnv1a_from(((h ^ 0x20) * FNV_PRIME) & 0xFFFFFFFF, tokens[i + k].encode("utf-8"))
            j = h % dims
            counts[j] = counts.get(j, 0) + 1
    buckets = sorted(counts)
    sq = 0.0
    for j in buckets:
        sq += float(counts[j]) * float(counts[j])
    inv = 1.0 / math.sqrt(sq) if sq > 0 else 1.0
    values = np.array([counts[j] * inv for j in buckets], dtype=np.float64).astype(np.float32)
    return buckets, values


class Featurizer:
    """Raw attribute rows -> the model's float32 input rows."""

    def __init__(self, spec):
        self.spec = spec
        self.kind = spec["kind"]
        if self.kind == "hashed-ngrams":
            self.width = int(spec["dims"])
        elif self.kind == "standardize":
            self.width = len(spec["columns"])
        else:
            raise ValueError("unknown featurizer kind: %s" % self.kind)

    def encode(self, rows):
        out = np.zeros((len(rows), self.width), dtype=np.float32)
        spec = self.spec
        for r, row in enumerate(rows):
            if self.kind == "hashed-ngrams":
                text = row.get(spec["input"])
                buckets, values = hashed_ngrams_sparse("" if text is None else str(text), self.width, spec["ngrams"], spec["lowercase"], spec["maxChars"])
                out[r, buckets] = values
            else:
                for j, column in enumerate(spec["columns"]):
                    out[r, j] = float(row[column])
        return out


def load_featurizer(path):
    with open(path, encoding="utf-8") as f:
        return Featurizer(json.load(f))
