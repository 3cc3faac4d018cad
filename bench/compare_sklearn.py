#!/usr/bin/env python3
"""TF-IDF + average-linkage agglomerative clustering (scikit-learn) against storydiff on the labelled corpora.

Usage: compare_sklearn.py STORYDIFF_BINARY SHARED_DIR
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer

CORPORA = ["allsides_neus", "basil", "newswcl50"]
THRESHOLDS = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]


def read(path):
    ids, texts = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            ids.append(record.get("id") or record.get("doc_id"))
            texts.append(" ".join(str(record.get(k) or "") for k in ("title", "body", "text")))
    return ids, texts


def score(shared, gold, ids, labels):
    with tempfile.NamedTemporaryFile("w", suffix=".tsv", delete=False) as f:
        for doc, label in zip(ids, labels):
            f.write(f"{doc}\t{label}\n")
        predicted = f.name
    out = subprocess.run([sys.executable, os.path.join(shared, "tools", "score_clusters.py"), gold, predicted],
                         capture_output=True, text=True, check=True).stdout
    os.unlink(predicted)
    return json.loads(out.strip().splitlines()[-1])["bcubed_f1"]


def main():
    binary, shared = sys.argv[1], sys.argv[2]
    results = {}
    for corpus in CORPORA:
        docs = os.path.join(shared, "data", corpus, "docs.jsonl")
        gold = os.path.join(shared, "data", corpus, "gold.tsv")
        ids, texts = read(docs)
        started = time.perf_counter()
        matrix = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=1).fit_transform(texts)
        dense = matrix.toarray()
        vectorised = time.perf_counter() - started
        for t in THRESHOLDS:
            started = time.perf_counter()
            labels = AgglomerativeClustering(n_clusters=None, metric="cosine", linkage="average",
                                             distance_threshold=t).fit_predict(dense)
            seconds = vectorised + time.perf_counter() - started
            results.setdefault(t, {})[corpus] = (score(shared, gold, ids, labels), seconds)
        started = time.perf_counter()
        with tempfile.NamedTemporaryFile(suffix=".tsv", delete=False) as f:
            assignments = f.name
        subprocess.run([binary, "cluster", docs, "--assignments", assignments], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        storydiff_seconds = time.perf_counter() - started
        results.setdefault("storydiff", {})[corpus] = (score(shared, gold, *zip(*[
            line.rstrip("\n").split("\t") for line in open(assignments, encoding="utf-8")])), storydiff_seconds)
        os.unlink(assignments)
    best = max(THRESHOLDS, key=lambda t: np.mean([results[t][c][0] for c in CORPORA]))
    print(f"scikit-learn best single distance threshold: {best}")
    print("corpus\tsklearn F1\tsklearn s\tstorydiff F1\tstorydiff s\ttime ratio")
    for corpus in CORPORA:
        (f1, s), (sf1, ss) = results[best][corpus], results["storydiff"][corpus]
        print(f"{corpus}\t{f1:.3f}\t{s:.2f}\t{sf1:.3f}\t{ss:.2f}\t{s / ss:.1f}x")


if __name__ == "__main__":
    main()
