#!/usr/bin/env python3
"""Tried for issue 14, not used by storydiff: shared-neighbour edges between headlines. Many headlines of one large
story reach each other through common neighbours rather than shared words, so a pair of headline-only articles
with at least K common neighbours (verified edges of at least half the threshold) gets an edge of
BETA * common / min(degree), if higher than its own score, before average linkage (re-run in Python as
story_model_prototype.py does, over the edges `storydiff eval --dump-edges` writes). Prints B-cubed F1 per
corpus variant without and with it. All within connected components of the candidate graph.

usage: scripts/shared_neighbours_prototype.py   (from the repository root, after cargo build --release; ~10 s)
"""
import sys, os, csv, subprocess, tempfile, collections, itertools
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared")
sys.path.insert(0, os.path.join(ROOT, "scripts")); sys.path.insert(0, os.path.join(SHARED, "tools"))
import story_model_prototype as P
from heldout import write_variant
import score_clusters
P.score_clusters = score_clusters
T = 0.19  # the default threshold
V = ["allsides_neus-titles", "basil-titles", "ecbplus_dev-titles", "allsides_neus", "basil", "newswcl50", "ecbplus_dev"]
data = {}
with tempfile.TemporaryDirectory() as tmp:
    for v in V:
        base = os.path.join(SHARED, 'data', P.corpus(v))
        docs, dump = os.path.join(tmp, v + ".jsonl"), os.path.join(tmp, v + ".edges.tsv")
        write_variant(os.path.join(base, "docs.jsonl"), docs, v.endswith("-titles"))
        subprocess.run([os.path.join(ROOT, 'target', 'release', 'storydiff'), "eval", docs, "--gold", os.path.join(base, "gold.tsv"), "--json", "--dump-edges", dump], check=True, capture_output=True)
        rows = list(csv.DictReader(open(dump, encoding="utf-8"), delimiter="\t"))
        data[v] = (rows, score_clusters.read_tsv(os.path.join(base, "gold.tsv")))
def run(v, k, beta):
    rows, gold = data[v]
    edges = {}
    head = {}
    for r in rows:
        edges[(r['lhs'], r['rhs'])] = float(r['score'])
        head[r['lhs']] = int(r['lhs_headline_only']); head[r['rhs']] = int(r['rhs_headline_only'])
    nb = collections.defaultdict(set)
    for (a, b), s in edges.items():
        if s >= T / 2: nb[a].add(b); nb[b].add(a)
    out = dict(edges)
    if k:
        for x, ns in nb.items():
            for a, b in itertools.combinations(sorted(ns), 2):
                if not (head.get(a) and head.get(b)): continue
                common = len(nb[a] & nb[b])
                if common >= k:
                    snn = common / min(len(nb[a]), len(nb[b]))
                    key = (a, b)
                    out[key] = max(out.get(key, 0.0), beta * snn)
    return P.bcubed(gold, P.linkage(sorted(gold), [(a, b, s) for (a, b), s in out.items()], T))
for v in V:
    base = run(v, 0, 0)
    res = {(k, beta): round(run(v, k, beta), 4) for k in (2, 3) for beta in (0.2, 0.3, 0.5)}
    print(v, round(base, 4), res)
