#!/usr/bin/env python3
"""Nested cross-validation of one diff setting (issue 13): for each fold of ecbplus_dev's topics, the setting is
chosen on the other folds' scores alone and the fold is scored with the setting so chosen; all folds' pairs are
then scored together. The weights are already held out by `scripts/eval_diff_cv.sh`; this holds out the choice.

usage: scripts/eval_diff_nested.py VALUE=STORY_DIR[,TOPIC_DIR] ...   (env SHARED: default ../shared beside the repo)
  Each STORY_DIR (TOPIC_DIR) holds pairs-0.5-FOLD.tsv from `KEEP=DIR LATE=VALUE scripts/eval_diff_cv.sh 0.5`
  (with --by-topic). The choice, per fold: the value with the most by-story matching recall among those whose
  by-story precision on the other folds is at least 0.90 (the issue's target), else the most precise one.
Prints each fold's choice and the pooled held-out scores (match_score.py's JSON). About 3 minutes.
"""
import json, os, subprocess, sys, tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
SHARED = os.environ.get("SHARED", os.path.join(ROOT, "..", "shared"))
FOLDS = 5
TARGET_PRECISION = 0.90


def topic_fold(doc_id):
    return int(doc_id.split("_")[0]) % FOLDS


def write_gold(src, dst, folds):
    os.makedirs(dst, exist_ok=True)
    for name in ("sentences.jsonl", "doc_sentences.jsonl"):
        with open(os.path.join(src, name), encoding="utf-8") as f, open(os.path.join(dst, name), "w") as out:
            out.writelines(l for l in f if topic_fold(json.loads(l)["doc_id"]) in folds)
    with open(os.path.join(src, "pairs.tsv"), encoding="utf-8") as f, open(os.path.join(dst, "pairs.tsv"), "w") as out:
        out.write(next(f))
        out.writelines(l for l in f if topic_fold(l.split("\t")[0]) in folds)


def score(gold, files, tmp):
    pairs = os.path.join(tmp, "pairs.tsv")
    with open(pairs, "w", encoding="utf-8") as out:
        for path in files:
            out.write(open(path, encoding="utf-8").read())
    scorer = os.path.join(SHARED, "tools", "align", "match_score.py")
    return json.loads(subprocess.run([sys.executable, scorer, gold, pairs], capture_output=True, text=True,
                                     check=True).stdout)


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    gold_dir = os.path.join(SHARED, "data", "ecbplus_dev", "align")
    settings = []
    for arg in sys.argv[1:]:
        value, dirs = arg.split("=", 1)
        settings.append((value, dirs.split(",")))
    with tempfile.TemporaryDirectory() as tmp:
        chosen = {}
        for held in range(FOLDS):
            others = set(range(FOLDS)) - {held}
            gold = os.path.join(tmp, f"gold-without-{held}")
            write_gold(gold_dir, gold, others)
            scores = []
            for value, dirs in settings:
                s = score(gold, [os.path.join(dirs[0], f"pairs-0.5-{f}.tsv") for f in sorted(others)], tmp)
                scores.append((value, s["precision"], s["matching_recall"]))
            meeting = [s for s in scores if s[1] >= TARGET_PRECISION]
            chosen[held] = max(meeting, key=lambda s: (s[2], s[1]))[0] if meeting else max(scores, key=lambda s: s[1])[0]
            print(f"fold {held}: chosen {chosen[held]} on the other folds, by story " +
                  ", ".join(f"{v}: {p:.4f} / {r:.4f}" for v, p, r in scores), flush=True)
        by_value = dict(settings)
        for mode, index in (("by story", 0), ("by topic", 1)):
            if any(len(by_value[v]) <= index for v in chosen.values()):
                continue
            files = [os.path.join(by_value[chosen[f]][index], f"pairs-0.5-{f}.tsv") for f in range(FOLDS)]
            print(mode, "held out:", json.dumps(score(gold_dir, files, tmp)))


if __name__ == "__main__":
    main()
