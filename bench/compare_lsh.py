#!/usr/bin/env python3
"""The Rust MinHash libraries' candidate search against storydiff's whole pipeline, on one corpus, in one run.

Usage: compare_lsh.py STORYDIFF_BINARY CORPUS.jsonl

CORPUS is a file of `../shared/tools/gen_scale.py` (issue 17). Each library is configured as issue 17's table
says and does only the candidate search over every article's body (title + body for storydiff): the time of
building its index and querying every article, with reading the file counted apart. storydiff runs as a user
would (`storydiff cluster CORPUS --assignments FILE`): the whole process, reading, normalising, features,
candidate search, verification, linkage and storylines; its own candidate-search stage is read from
`STORYDIFF_TIMINGS=1`. Prints seconds and the ratio of each library's time to storydiff's whole process.
Versions are pinned in `bench/run.sh`.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
import time


def load(corpus):
    ids, bodies = [], []
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            ids.append(record["id"])
            bodies.append(record.get("body") or "")
    return ids, bodies


def shingles(body):
    words = body.lower().split()
    return [" ".join(words[i:i + 5]) for i in range(max(1, len(words) - 4))]


def gaoya_search(bodies):
    from gaoya.minhash import MinHashStringIndex

    index = MinHashStringIndex(hash_size=32, jaccard_threshold=0.5, num_bands=32, band_size=4, analyzer="word",
                               lowercase=True, ngram_range=(5, 5))
    index.par_bulk_insert_docs(list(range(len(bodies))), bodies)
    return sum(len(found) - 1 for found in index.par_bulk_query(bodies))


def rensa_search(bodies):
    from rensa import RMinHash, RMinHashLSH

    sketches = RMinHash.from_token_sets([shingles(body) for body in bodies], num_perm=128, seed=42)
    lsh = RMinHashLSH(threshold=0.5, num_perm=128, num_bands=32)
    lsh.insert_many(sketches, start_key=0)
    return sum(len(found) - 1 for found in lsh.query_all(sketches))


def datasketch_search(bodies):
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=0.5, num_perm=128, params=(32, 4))
    sketches = []
    for key, body in enumerate(bodies):
        sketch = MinHash(num_perm=128)
        sketch.update_batch([s.encode() for s in shingles(body)])
        lsh.insert(key, sketch)
        sketches.append(sketch)
    return sum(len(lsh.query(sketch)) - 1 for sketch in sketches)


def storydiff_run(binary, corpus):
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        run = subprocess.run([binary, "cluster", corpus, "--assignments", os.path.join(scratch, "a.tsv")],
                             check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "STORYDIFF_TIMINGS": "1"})
        seconds = time.perf_counter() - started
    stage = re.search(r"candidate search: (\d+) pairs: ([\d.]+) s", run.stderr)
    return seconds, float(stage.group(2)), int(stage.group(1))


def main():
    binary, corpus = sys.argv[1], sys.argv[2]
    started = time.perf_counter()
    ids, bodies = load(corpus)
    print(f"{len(ids)} articles; reading the file in Python: {time.perf_counter() - started:.2f} s (not counted)")
    whole, stage, pairs = storydiff_run(binary, corpus)
    print(f"storydiff cluster, whole process: {whole:.2f} s (its candidate search alone: {stage:.2f} s, "
          f"{pairs} pairs)")
    for name, search in [("gaoya", gaoya_search), ("rensa", rensa_search), ("datasketch", datasketch_search)]:
        started = time.perf_counter()
        candidates = search(bodies)
        seconds = time.perf_counter() - started
        print(f"{name}: candidate search only: {seconds:.2f} s, {candidates} candidates; "
              f"{seconds / whole:.2f}x storydiff's whole process")


if __name__ == "__main__":
    main()
