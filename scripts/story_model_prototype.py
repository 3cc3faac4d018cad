#!/usr/bin/env python3
"""Prototype of issue 14's calibrated same-story probability, measured leave-one-corpus-out. Not used by
storydiff: it tells whether a logistic model over what verification measures of a pair (cosine, shingle
containment, shared salient terms, vector sizes, headline-only) carries over between corpora better than the raw
similarity with one threshold.

For each labelled corpus of ../shared/data and the titles-only variants (as scripts/heldout.py makes them), it
runs `storydiff eval --dump-edges` (hidden flag: every verified candidate edge with its measurements and gold
label, candidates as found at the default threshold). Holding out one corpus (with its titles-only variant), it
fits the logistic model (L2 1.0, standardised features) on the other corpora's edges, picks the probability
threshold with the best mean B-cubed F1 over them (average linkage, missing pairs 0, as storydiff's), and scores
the held-out corpus at that threshold. Dates are left out: whether a corpus has dates at all told the model
which corpus it was reading (with them, every held-out choice fell to the lowest threshold tried).

usage: scripts/story_model_prototype.py [--bin target/release/storydiff] [--shared ../shared]
Needs numpy. About 30 s.
"""
import argparse, collections, csv, heapq, math, os, subprocess, sys, tempfile
import numpy as np
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from heldout import write_variant

V = ["allsides_neus", "allsides_neus-titles", "basil", "basil-titles", "newswcl50", "ecbplus_dev",
     "ecbplus_dev-titles"]
GRID = [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8]


def corpus(v):
    return v.replace("-titles", "")


def feats(r):
    """The pair's measurements as model inputs (dates left out, see above)."""
    cos, containment, shared = float(r["cosine"]), float(r["containment"]), int(r["shared_terms"])
    terms = (int(r["lhs_terms"]), int(r["rhs_terms"]))
    fewer, more = min(terms), max(terms)
    headline = int(r["lhs_headline_only"]) | int(r["rhs_headline_only"])
    return [cos, math.sqrt(cos), containment, math.log1p(shared), math.log1p(fewer), math.log1p(more), headline,
            cos * headline, shared / max(fewer, 1), float(r["score"])]


def fit(X, y, l2=1.0):
    """Logistic regression by Newton's method on standardised features; returns the probability function."""
    mu, sd = X.mean(0), X.std(0) + 1e-9
    Z = np.hstack([(X - mu) / sd, np.ones((len(X), 1))])
    penalty = np.r_[np.ones(Z.shape[1] - 1), 0.0]
    w = np.zeros(Z.shape[1])
    for _ in range(50):
        p = 1 / (1 + np.exp(-Z @ w))
        gradient = Z.T @ (p - y) + l2 * penalty * w
        hessian = (Z * (p * (1 - p))[:, None]).T @ Z + l2 * np.diag(penalty)
        w -= np.linalg.solve(hessian, gradient)
    return lambda X2: 1 / (1 + np.exp(-np.hstack([(X2 - mu) / sd, np.ones((len(X2), 1))]) @ w))


def linkage(nodes, edges, threshold):
    """Average linkage as storydiff's: merge the best pair of groups while the mean over all their pairs
    (missing pairs 0) is at least the threshold. Returns each node's group."""
    index = {d: i for i, d in enumerate(nodes)}
    sums = [collections.defaultdict(float) for _ in nodes]
    for a, b, score in edges:
        sums[index[a]][index[b]] += score
        sums[index[b]][index[a]] += score
    size, alive, version, parent = [1] * len(nodes), [True] * len(nodes), [0] * len(nodes), list(range(len(nodes)))
    heap = [(-s, i, j, 0, 0) for i in range(len(nodes)) for j, s in sums[i].items() if i < j and s >= threshold]
    heapq.heapify(heap)
    while heap:
        _, i, j, vi, vj = heapq.heappop(heap)
        if not (alive[i] and alive[j]) or version[i] != vi or version[j] != vj:
            continue
        alive[j], parent[j] = False, i
        for k, v in sums[j].items():
            if k != i:
                sums[i][k] += v
                sums[k][i] += v
                del sums[k][j]
        del sums[i][j]
        size[i] += size[j]
        version[i] += 1
        for k, v in sums[i].items():
            mean = v / (size[i] * size[k])
            if alive[k] and mean >= threshold:
                lo, hi = min(i, k), max(i, k)
                heapq.heappush(heap, (-mean, lo, hi, version[lo], version[hi]))

    def root(x):
        while parent[x] != x:
            x = parent[x]
        return x
    return {d: root(index[d]) for d in nodes}


def bcubed(gold, predicted):
    """B-cubed F1 over the gold documents, by the reference scorer."""
    return score_clusters.score(gold, {d: str(c) for d, c in predicted.items()})["bcubed_f1"]


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(root, "target", "release", "storydiff"))
    ap.add_argument("--shared", default=os.path.join(root, "..", "shared"))
    a = ap.parse_args()
    global score_clusters
    sys.path.insert(0, os.path.join(a.shared, "tools"))
    import score_clusters
    data = {}
    with tempfile.TemporaryDirectory() as tmp:
        for v in V:
            base = os.path.join(a.shared, "data", corpus(v))
            docs, dump = os.path.join(tmp, v + ".jsonl"), os.path.join(tmp, v + ".edges.tsv")
            write_variant(os.path.join(base, "docs.jsonl"), docs, v.endswith("-titles"))
            gold_path = os.path.join(base, "gold.tsv")
            subprocess.run([a.bin, "eval", docs, "--gold", gold_path, "--json", "--dump-edges", dump],
                           check=True, capture_output=True)
            rows = list(csv.DictReader(open(dump, encoding="utf-8"), delimiter="\t"))
            gold = score_clusters.read_tsv(gold_path)
            data[v] = (rows, gold)
    X = {v: np.array([feats(r) for r in data[v][0]]) for v in V}
    Y = {v: np.array([int(r["same_story"]) for r in data[v][0]], float) for v in V}

    def f1_at(v, probs, t):
        rows, gold = data[v]
        return bcubed(gold, linkage(sorted(gold), [(r["lhs"], r["rhs"], p) for r, p in zip(rows, probs)], t))

    default = 0.19  # storydiff's default threshold (cluster::DEFAULT_THRESHOLD); 0.22 when the script was written
    print(f"| corpus | raw similarity, default {default} | probability threshold chosen without it | "
          "its F1 there (out of sample) | its F1 at 0.3 / 0.4 / 0.5 |")
    print("|---|---|---|---|---|")
    for held in sorted(set(map(corpus, V)), key=V.index):
        train = [v for v in V if corpus(v) != held]
        model = fit(np.vstack([X[v] for v in train]), np.concatenate([Y[v] for v in train]))
        probs = {v: model(X[v]) for v in V}
        best = max(GRID, key=lambda t: (np.mean([f1_at(v, probs[v], t) for v in train]), -t))
        for v in (v for v in V if corpus(v) == held):
            raw = f1_at(v, [float(r["score"]) for r in data[v][0]], default)
            at = " / ".join(f"{f1_at(v, probs[v], t):.3f}" for t in (0.3, 0.4, 0.5))
            print(f"| {v} | {raw:.3f} | {best:.2f} | {f1_at(v, probs[v], best):.3f} | {at} |")


if __name__ == "__main__":
    main()
