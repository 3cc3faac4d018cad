#!/usr/bin/env python3
"""datasketch MinHashLSH candidate search against storydiff's whole pipeline on one synthetic corpus.

Usage: compare_datasketch.py STORYDIFF_BINARY CORPUS.jsonl
"""
import json
import subprocess
import sys
import time

from datasketch import MinHash, MinHashLSH


def main():
    binary, corpus = sys.argv[1], sys.argv[2]
    started = time.perf_counter()
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    sketches = []
    with open(corpus, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            words = record["body"].lower().split()
            m = MinHash(num_perm=128)
            m.update_batch([" ".join(words[i:i + 5]).encode() for i in range(max(1, len(words) - 4))])
            lsh.insert(record["id"], m)
            sketches.append((record["id"], m))
    candidates = sum(len(lsh.query(m)) - 1 for _, m in sketches)
    datasketch_seconds = time.perf_counter() - started
    started = time.perf_counter()
    subprocess.run([binary, "cluster", corpus], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    storydiff_seconds = time.perf_counter() - started
    print(f"articles\t{len(sketches)}")
    print(f"datasketch MinHashLSH (candidate search only)\t{datasketch_seconds:.1f} s\t{candidates} candidates")
    print(f"storydiff cluster (whole pipeline)\t{storydiff_seconds:.1f} s")
    print(f"ratio\t{datasketch_seconds / storydiff_seconds:.1f}x")


if __name__ == "__main__":
    main()
