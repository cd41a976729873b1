"""The hashed n-gram featurizer of runtimes/features/hashed-ngrams.ts, in Python (same
vectors for ASCII text): tokens = runs of letters/digits, 1- and 2-grams, FNV-1a 32-bit over
UTF-8, bucket = hash mod dims, counts, L2-normalised."""
import re
import numpy as np

TOKEN = re.compile(r"[^\W_]+")


def fnv1a(s):
    h = 0x811C9DC5
    for b in s.encode("utf-8"):
        h = ((h ^ b) * 0x01000193) & 0xFFFFFFFF
    return h


def featurize(text, dims=4096, max_chars=20000):
    toks = TOKEN.findall(text[:max_chars].lower())
    v = np.zeros(dims, np.float32)
    for n in (1, 2):
        for i in range(len(toks) - n + 1):
            g = toks[i] if n == 1 else " ".join(toks[i:i + n])
            v[fnv1a(g) % dims] += 1.0
    norm = float(np.sqrt((v * v).sum()))
    if norm > 0:
        v /= norm
    return v


class Linear:
    """The same weights as linear.onnx: softmax(x @ W + b)."""

    def __init__(self, path):
        import json
        layer = json.load(open(path))[0]
        self.w = np.asarray(layer["w"], np.float32).reshape(layer["in"], layer["out"])
        self.b = np.asarray(layer["b"], np.float32)

    def __call__(self, x):
        z = x @ self.w + self.b
        e = np.exp(z - z.max())
        return e / e.sum()
