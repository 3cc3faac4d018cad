#!/usr/bin/env python3
"""The in-sample numbers behind the diff's two-event check (src/diff/events.rs, docs/EVALUATION.md "Two events in
one story"), on ../shared/data/ecbplus_dev.

1. Split ratios: every topic (its two stories as one file) and every single story is diffed with the shipped fact
   model but event_split_ratio 1.0, so `events` in `--json` shows the split the check would consider and its
   ratio; for topics, how purely the two groups follow the two gold stories.
2. Wrong pairs by topic: `eval_diff.py --by-topic` with the shipped model (ratio as shipped), each scored pair
   classed right, wrong within one story, or wrong across the two stories.

usage: scripts/event_split_check.py   (from the repository root, after cargo build --release; about a minute)
"""
import collections, os, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ecb_splits import BIN, DATA, SHARED, candidate_splits, docs as read_docs  # noqa: E402
sys.path.insert(0, os.path.join(SHARED, "tools", "align"))
from score_align import Gold, read_pred  # noqa: E402

docs = read_docs()
story_of = {d["doc_id"]: d["cluster_id"] for d in docs}
for level in ("topic", "story"):
    rows = []
    for name, events in candidate_splits(docs, level):
        if events is None:
            rows.append((name, None, "no split of two parts of 3+"))
            continue
        counts = [collections.Counter(story_of[i] for i in g) for g in events["groups"]]
        detail = ([dict(c) for c in counts] if level == "topic" else [sum(c.values()) for c in counts])
        rows.append((name, events["ratio"], detail))
    rows.sort(key=lambda r: (r[1] is None, r[1] or 0))
    print(f"== {level} level: split ratio (mean similarity across / within), groups")
    for name, ratio, detail in rows:
        print(f"  {name}\t{ratio}\t{detail}")

with tempfile.TemporaryDirectory() as tmp:
    pairs = os.path.join(tmp, "pairs.tsv")
    subprocess.run([sys.executable, os.path.join(SHARED, "tools", "align", "eval_diff.py"), "--bin", BIN,
                    "--docs", os.path.join(DATA, "docs.jsonl"), "--gold", os.path.join(DATA, "align"),
                    "--by-topic", "--pairs", pairs], check=True, capture_output=True)
    gold = Gold(os.path.join(DATA, "align"))
    gold_pairs = set()
    for (a, sa, b, sb) in gold.pairs:
        gold_pairs.update({(a, sa, b, sb), (b, sb, a, sa)})
    by_topic = collections.defaultdict(lambda: [0, 0, 0])
    for row in read_pred(pairs):
        da, ta, db, tb = (x.strip() for x in row[:4])
        if da not in gold.cluster or db not in gold.cluster:
            continue
        ma, mb = gold.map_text(da, ta), gold.map_text(db, tb)
        if not ma or not mb:
            continue
        counts = by_topic[da.split("_")[0]]
        counts[0] += 1
        counts[1] += any((da, x, db, y) in gold_pairs for x in ma for y in mb)
        counts[2] += gold.cluster[da] != gold.cluster[db]
    print("== by topic, shipped model: scored pairs, right, across the two stories")
    total = [0, 0, 0]
    for topic, counts in sorted(by_topic.items(), key=lambda t: int(t[0])):
        print(f"  {topic}\t{counts}")
        total = [x + y for x, y in zip(total, counts)]
    print(f"  all\t{total}: wrong {total[0] - total[1]}, of which across the two stories {total[2]}")
