#!/usr/bin/env python3
"""Leave-one-corpus-out validation of the clustering threshold (issue 14).

For every labelled corpus in ../shared/data (allsides_neus, basil, newswcl50, ecbplus_dev) and the titles-only
variants of those that have titles (allsides_neus, basil, ecbplus_dev: each article's body removed), the script
scores `storydiff eval` (B-cubed F1) over a grid of `--threshold` values. Then, holding out one corpus at a time
(a corpus and its titles-only variant go out together, since they are the same articles), it chooses the
threshold with the best mean F1 over the remaining variants and reports the held-out corpus at that threshold:
an out-of-sample score of the tuning procedure. Beside it, the score at the shipped default and whether the
default was chosen with that corpus in view (in-sample).

usage: scripts/heldout.py [--bin target/release/storydiff] [--shared ../shared] [--grid 0.10:0.40:0.01]
                          [--default 0.19] [--tuned-on allsides_neus,basil,newswcl50] [--markdown]
                          [--scores FILE] [--headline-scales 1,1.3,1.6,1.9,2.2,2.5]
--headline-scales also chooses storydiff's headline scale (how much a similarity between headlines alone is
scaled up) leave-one-out over the titles-only variants at the default threshold.
Only the Python standard library is needed. Takes about a minute on 2 cores.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

CORPORA = ["allsides_neus", "basil", "newswcl50", "ecbplus_dev"]
WITH_TITLES = ["allsides_neus", "basil", "ecbplus_dev"]
# Fields that are the answer key or describe the story rather than the article (AllSides' story title and
# roundup, BASIL's main event, ECB+'s topic): removed before storydiff reads a corpus.
ANSWER_FIELDS = ("cluster_id", "topic", "subcorpus", "side", "story_title", "roundup", "main_event")


def write_variant(src, dst, titles_only):
    with open(src, encoding="utf-8") as f, open(dst, "w", encoding="utf-8") as out:
        for line in f:
            if not line.strip():
                continue
            record = json.loads(line)
            for key in ANSWER_FIELDS:
                record.pop(key, None)
            if titles_only:
                for key in ("body", "text", "paragraphs"):
                    record.pop(key, None)
            out.write(json.dumps(record, ensure_ascii=False) + "\n")


def bcubed_f1(binary, docs, gold, threshold, headline_scale=None):
    extra = [] if headline_scale is None else ["--headline-scale", f"{headline_scale}"]
    result = subprocess.run(
        [binary, "eval", docs, "--gold", gold, "--json", "--threshold", f"{threshold:.4f}"] + extra,
        capture_output=True, text=True)
    if result.returncode != 0:
        sys.exit(f"storydiff eval failed on {docs} at {threshold}: {result.stderr.strip()}")
    return json.loads(result.stdout.strip().splitlines()[-1])["bcubed_f1"]


def grid(spec):
    start, stop, step = (float(x) for x in spec.split(":"))
    values, k = [], 0
    while start + k * step <= stop + 1e-9:
        values.append(round(start + k * step, 4))
        k += 1
    return values


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(root, "target", "release", "storydiff"))
    ap.add_argument("--shared", default=os.path.join(root, "..", "shared"))
    ap.add_argument("--grid", default="0.10:0.40:0.01")
    ap.add_argument("--default", type=float, default=0.19)
    ap.add_argument("--tuned-on", default="allsides_neus,basil,newswcl50",
                    help="corpora whose full articles the shipped default was chosen on (in-sample)")
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table instead of JSON lines")
    ap.add_argument("--scores", help="also write every variant's F1 at every threshold here (TSV)")
    ap.add_argument("--headline-scales", help="comma-separated values of storydiff's --headline-scale: also "
                    "choose it on two titles-only variants at the default threshold and report the third")
    a = ap.parse_args()
    thresholds = grid(a.grid)
    if a.default not in thresholds:
        thresholds = sorted(thresholds + [a.default])
    tuned_on = set(a.tuned_on.split(",")) if a.tuned_on else set()
    variants = [(c, False) for c in CORPORA] + [(c, True) for c in WITH_TITLES]
    scores = {}
    by_scale = {}
    with tempfile.TemporaryDirectory() as tmp:
        for corpus, titles in variants:
            data = os.path.join(a.shared, "data", corpus)
            docs = os.path.join(tmp, f"{corpus}{'-titles' if titles else ''}.jsonl")
            write_variant(os.path.join(data, "docs.jsonl"), docs, titles)
            gold = os.path.join(data, "gold.tsv")
            scores[(corpus, titles)] = {t: bcubed_f1(a.bin, docs, gold, t) for t in thresholds}
            if titles and a.headline_scales:
                by_scale[corpus] = {float(h): bcubed_f1(a.bin, docs, gold, a.default, float(h))
                                    for h in a.headline_scales.split(",")}
    if a.scores:
        with open(a.scores, "w", encoding="utf-8") as out:
            out.write("threshold\t" + "\t".join(c + ("-titles" if t else "") for c, t in variants) + "\n")
            for t in thresholds:
                out.write(f"{t:.2f}\t" + "\t".join(f"{scores[v][t]:.4f}" for v in variants) + "\n")
    rows = []
    for corpus, titles in variants:
        training = [v for v in variants if v[0] != corpus]
        best = max(thresholds, key=lambda t: (sum(scores[v][t] for v in training) / len(training), -t))
        oracle = max(thresholds, key=lambda t: (scores[(corpus, titles)][t], -t))
        rows.append({
            "corpus": corpus, "titles_only": titles,
            "default": a.default, "default_f1": round(scores[(corpus, titles)][a.default], 4),
            # The default was chosen on the full articles of the tuned-on corpora, never on their titles alone.
            "default_in_sample": corpus in tuned_on and not titles,
            "chosen_without_it": best, "out_of_sample_f1": round(scores[(corpus, titles)][best], 4),
            "best_threshold_on_it": oracle, "best_f1_on_it": round(scores[(corpus, titles)][oracle], 4),
        })
    if a.markdown:
        print("| corpus | default %s: F1 | threshold chosen without it | its F1 there (out of sample) | "
              "its own best (threshold: F1) |" % a.default)
        print("|---|---|---|---|---|")
        for r in rows:
            name = r["corpus"] + (" (titles only)" if r["titles_only"] else "")
            tag = " (in-sample)" if r["default_in_sample"] else ""
            print(f"| {name} | {r['default_f1']:.3f}{tag} | {r['chosen_without_it']:.2f} | "
                  f"{r['out_of_sample_f1']:.3f} | {r['best_threshold_on_it']:.2f}: {r['best_f1_on_it']:.3f} |")
    else:
        for r in rows:
            print(json.dumps(r))
    if by_scale:
        # Leave one titles-only corpus out: the scale with the best mean F1 on the other two, at the default.
        scales = sorted(next(iter(by_scale.values())))
        print()
        print("| titles only | F1 at each headline scale (%s) | scale chosen without it | its F1 there |"
              % ", ".join(f"{h:g}" for h in scales))
        print("|---|---|---|---|")
        for corpus in by_scale:
            others = [c for c in by_scale if c != corpus]
            best = max(scales, key=lambda h: (sum(by_scale[c][h] for c in others), -h))
            cells = " / ".join(f"{by_scale[corpus][h]:.3f}" for h in scales)
            print(f"| {corpus} | {cells} | {best:g} | {by_scale[corpus][best]:.3f} |")


if __name__ == "__main__":
    main()
