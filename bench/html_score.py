#!/usr/bin/env python3
"""Scores storydiff's HTML extraction the way trafilatura scores itself.

Usage: html_score.py EXPECT.json OUT.jsonl [--show-misses] [--half even|odd] [--by-language]

OUT.jsonl is `storydiff ingest PAGES/ -o OUT.jsonl`; each line's `source` names its page. A `with` snippet
found in the extracted body is a true positive, one missed a false negative; a `without` snippet found is a
false positive. Text is compared after Unicode NFKC and whitespace collapsed, as in the data README.
A page storydiff rejected counts as an empty extraction. `--half even` scores only the pages whose number is
even (pNNN), `--half odd` the others: extraction constants are chosen on the even half and reported on the odd
one (docs/EVALUATION.md, "HTML"). `--by-language` adds a line per language storydiff detected.
"""
import json
import os
import re
import sys
import unicodedata


def norm(text):
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def main():
    expect_path, out_path = sys.argv[1], sys.argv[2]
    show = "--show-misses" in sys.argv
    with_title = "--with-title" in sys.argv
    expect = json.load(open(expect_path, encoding="utf-8"))
    if "--half" in sys.argv:
        parity = {"even": 0, "odd": 1}[sys.argv[sys.argv.index("--half") + 1]]
        expect = {page: exp for page, exp in expect.items() if int(re.sub(r"\D", "", page)) % 2 == parity}
    extracted = {}
    language = {}
    for line in open(out_path, encoding="utf-8"):
        record = json.loads(line)
        text = record.get("body", "")
        if with_title and record.get("title"):
            text = record["title"] + "\n" + text
        extracted[os.path.basename(record["source"])] = norm(text)
        language[os.path.basename(record["source"])] = record.get("language") or "unknown"
    tp = fn = fp = tn = 0
    per_page = []
    by_language = {}
    for page, exp in sorted(expect.items()):
        text = extracted.get(page, "")
        page_tp = sum(norm(s) in text for s in exp.get("with", []))
        page_fp = sum(norm(s) in text for s in exp.get("without", []))
        page_fn = len(exp.get("with", [])) - page_tp
        tp += page_tp
        fn += page_fn
        fp += page_fp
        tn += len(exp.get("without", [])) - page_fp
        counts = by_language.setdefault(language.get(page, "unknown"), [0, 0, 0, 0])
        for slot, value in enumerate((1, page_tp, page_fn, page_fp)):
            counts[slot] += value
        if show and (page_fn or page_fp):
            per_page.append((page, page_fn, page_fp, page not in extracted))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    accuracy = (tp + tn) / (tp + tn + fp + fn)
    print(f"pages {len(expect)} extracted {sum(p in extracted for p in expect)}")
    print(f"tp {tp} fn {fn} fp {fp} tn {tn}")
    print(f"precision {precision:.3f} recall {recall:.3f} f1 {f1:.3f} accuracy {accuracy:.3f}")
    if "--by-language" in sys.argv:
        for lang, (pages, ltp, lfn, lfp) in sorted(by_language.items(), key=lambda kv: -kv[1][0]):
            p = ltp / (ltp + lfp) if ltp + lfp else 0.0
            r = ltp / (ltp + lfn) if ltp + lfn else 0.0
            f = 2 * p * r / (p + r) if p + r else 0.0
            print(f"  {lang}: {pages} pages, precision {p:.3f} recall {r:.3f} f1 {f:.3f}")
    for page, missed, leaked, absent in per_page:
        print(f"  {page}: {missed} missed, {leaked} leaked{' (no article)' if absent else ''}")


if __name__ == "__main__":
    main()
