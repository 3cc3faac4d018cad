#!/usr/bin/env python3
"""Issue 13 analysis (docs/EVALUATION.md, "Tried on 2026-12-03"): do the two groups of the diff's candidate event split
disagree on who they are about? In-sample, on ../shared/data/ecbplus_dev.

Each topic (its two stories as one file) and each single story is diffed with the shipped fact model but
event_split_ratio 1.0, so `events` in `--json` holds the split the two-event check would consider and its ratio.
An article's protagonists are the names (capitalised words not opening a sentence) it names at least twice and at
least half as often as its most named; a group's core names are protagonists of at least half of its articles. The
groups disagree when each has a core name that is a protagonist of at most a quarter of the other group's articles.
Prints one line per topic and story: level, name, split ratio, disagree, the two groups' exclusive core names, and
for topics whether the groups follow the two gold stories.

usage: scripts/protagonist_split_check.py   (from the repository root, after cargo build --release; about a minute)
"""
import collections, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ecb_splits import candidate_splits, docs as read_docs  # noqa: E402

# Capitalised words that are not names when they do not open a sentence either (weekdays, pronouns, titles).
NOT_NAMES = set("The A An In On At He She It They We His Her Their This That But And Or If As For With From By Of To "
                "I You Mr Mrs Ms After Before When While Its Monday Tuesday Wednesday Thursday Friday Saturday "
                "Sunday".split())


def name_counts(doc):
    counts = collections.Counter()
    text = (doc.get("title") or "") + "\n" + (doc.get("body") or "")
    for line in text.split("\n"):
        for sentence in re.split(r"(?<=[.!?])\s+", line):
            words = re.findall(r"[A-Za-z][A-Za-z'\-]*", sentence)
            for i, w in enumerate(words):
                if i > 0 and w[0].isupper() and not w.isupper() and w not in NOT_NAMES:
                    counts[w] += 1
    return counts


def protagonists(counts):
    top = max(counts.values(), default=0)
    return {n for n, k in counts.items() if k >= 2 and 2 * k >= top}


def main():
    docs = read_docs()
    story_of = {d["doc_id"]: d["cluster_id"] for d in docs}
    about = {d["doc_id"]: protagonists(name_counts(d)) for d in docs}
    rows = []
    for level in ("topic", "story"):
        for name, events in candidate_splits(docs, level):
            if not events:
                continue
            lhs, rhs = events["groups"]

            def core(group):
                c = collections.Counter(n for i in group for n in about[i])
                return sorted(n for n, k in c.items() if k >= len(group) / 2)

            def exclusive(group, other):
                return [n for n in core(group) if sum(n in about[i] for i in other) <= len(other) / 4]

            lx, rx = exclusive(lhs, rhs), exclusive(rhs, lhs)
            follows = ""
            if level == "topic":
                a = collections.Counter(story_of[i] for i in lhs)
                b = collections.Counter(story_of[i] for i in rhs)
                follows = "follows stories" if max(a, key=a.get) != max(b, key=b.get) else "mixed"
            rows.append((level, name, round(events["ratio"], 3), bool(lx and rx), lx[:3], rx[:3], follows))
    for row in sorted(rows, key=lambda r: (r[0], r[2])):
        print("\t".join(str(x) for x in row))

if __name__ == "__main__":
    sys.exit(main())
