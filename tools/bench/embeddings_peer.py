#!/usr/bin/env python3
"""The Python side of `npm run bench:embeddings`: what the seed design (sentence-transformers on PyTorch, numpy)
does for each measured operation, on the same inputs, one thread. Prints one JSON object.

  --texts FILE        JSON list of keywords (the same list the Node side embeds)
  --npy FILE          a 100,000 x 384 float32 .npy written by the Node side (np.load timing)
  --rows N            rows of the nearest-neighbour matrices (default 100000)
  --seconds S         time per throughput measurement

Models: the tiny BERT of libs/embeddings/src/testing/fixtures, rebuilt in PyTorch by the fixture generator's own
function (same seed and weights; checked against the committed golden embeddings before timing).
"""
import argparse
import json
import os
import sys
import time

for v in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[v] = "1"

import numpy as np  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools", "fixtures", "embeddings"))
import generate  # noqa: E402

FIX = os.path.join(ROOT, "libs", "embeddings", "src", "testing", "fixtures")


def rate(fn, items_per_call, seconds):
    n, t0 = 0, time.perf_counter()
    while time.perf_counter() - t0 < seconds:
        fn()
        n += items_per_call
    return n / (time.perf_counter() - t0)


def median_ms(fn, repeat):
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        ts.append((time.perf_counter() - t0) * 1000)
    ts.sort()
    return ts[len(ts) // 2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--texts", required=True)
    ap.add_argument("--npy", required=True)
    ap.add_argument("--rows", type=int, default=100000)
    ap.add_argument("--seconds", type=float, default=2.0)
    a = ap.parse_args()
    texts = json.load(open(a.texts, encoding="utf-8"))
    out = {}

    # Lexical: the spec's Python reference (the seed has no lexical embedder; this is the same algorithm in Python).
    i = [0]

    def lex_one():
        generate.lexical_embed(texts[i[0] % len(texts)])
        i[0] += 1

    out["lexical_per_s"] = rate(lex_one, 1, a.seconds)

    # Tiny BERT in PyTorch, sentence-transformers pooling.
    try:
        import torch
        from transformers import PreTrainedTokenizerFast

        torch.set_num_threads(1)
        tok = PreTrainedTokenizerFast(tokenizer_file=os.path.join(FIX, "tiny-bert", "tokenizer.json"))
        tok.pad_token = "[PAD]"
        vocab = open(os.path.join(FIX, "tiny-bert", "vocab.txt"), encoding="utf-8").read().split("\n")[:-1]
        model = generate.build_tiny_bert_model(len(vocab))

        def encode(batch):
            enc = tok([generate.normalize_text(t) for t in batch], padding=True, truncation=True, max_length=128,
                      return_tensors="pt")
            with torch.no_grad():
                h = model(**enc).last_hidden_state
            m = enc["attention_mask"].unsqueeze(-1).to(h.dtype)
            return torch.nn.functional.normalize((h * m).sum(1) / m.sum(1).clamp(min=1e-9), dim=1).numpy()

        golden = json.load(open(os.path.join(FIX, "tiny-bert-golden.json"), encoding="utf-8"))
        want = np.load(os.path.join(FIX, "golden-128.npy"))
        got = encode(golden["texts"])
        assert np.abs(got - want).max() < 1e-5, "rebuilt PyTorch model differs from the fixture"
        j = [0]

        def bert(n):
            def run():
                s = j[0] % (len(texts) - n)
                encode(texts[s : s + n])
                j[0] += n

            return run

        out["bert_b1_per_s"] = rate(bert(1), 1, a.seconds)
        out["bert_b64_per_s"] = rate(bert(64), 64, a.seconds)
    except ImportError as e:
        out["bert_error"] = f"{e.name} missing (pip install torch transformers)"

    # Nearest keywords: M @ q, argpartition, sort (what numpy code for the seed's cache does).
    rng = np.random.default_rng(1)
    for dim in (384, 256):
        m = rng.standard_normal((a.rows, dim), dtype=np.float32)
        m /= np.linalg.norm(m, axis=1, keepdims=True)
        q = m[12345].copy()

        def top10():
            s = m @ q
            idx = np.argpartition(-s, 10)[:10]
            return idx[np.argsort(-s[idx], kind="stable")]

        top10()
        out[f"nearest_{dim}_ms"] = median_ms(top10, 30)
        del m

    np.load(a.npy)
    out["npy_load_ms"] = median_ms(lambda: np.load(a.npy), 7)
    out["numpy"] = np.__version__
    print(json.dumps(out))


if __name__ == "__main__":
    main()
