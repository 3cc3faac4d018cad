#!/usr/bin/env python3
"""Issue 13, "Rows asked less of in later passes" in docs/EVALUATION.md: what the later passes' threshold does to
full-length reports, which ECB+ cannot show (it scores only annotated sentences). Diffs each of BASIL's gold
stories with the shipped fact model at two late thresholds, counts the rows by class and the sentences aligned
with another article, and prints the sentences aligned only at the second threshold, a sample drawn with seed 13,
for judging by hand.

usage: scripts/experiments/basil_late_threshold_check.py [--bin target/release/storydiff] [--shared ../shared]
                                                         [--late 0.5 0.42] [--sample 20]
About a minute on 2 cores.
"""
import argparse, collections, json, os, random, subprocess, tempfile

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")


def aligned_units(facts):
    """(doc_id, sentence text) -> (row index, number of articles in the row)."""
    where = {}
    for i, fact in enumerate(facts):
        articles = len({m["doc_id"] for m in fact["members"]})
        for member in fact["members"]:
            for sentence in member.get("sentences") or [{"text": member["text"]}]:
                where[(member["doc_id"], sentence["text"])] = (i, articles)
    return where


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "storydiff"))
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    ap.add_argument("--late", nargs=2, type=float, default=[0.5, 0.42])
    ap.add_argument("--sample", type=int, default=20)
    a = ap.parse_args()
    stories = collections.defaultdict(list)
    with open(os.path.join(a.shared, "data", "basil", "docs.jsonl"), encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            story = record.pop("cluster_id")
            stories[story].append(json.dumps(record))
    shipped = json.load(open(os.path.join(ROOT, "src", "diff", "fact_model.json"), encoding="utf-8"))
    rows = {}
    with tempfile.TemporaryDirectory() as tmp:
        for late in a.late:
            model = os.path.join(tmp, f"model-{late}.json")
            json.dump(dict(shipped, late_link_threshold=late), open(model, "w"))
            rows[late] = {}
            for story in sorted(stories):
                src, dst = os.path.join(tmp, "story.jsonl"), os.path.join(tmp, "story.json")
                open(src, "w", encoding="utf-8").write("\n".join(stories[story]) + "\n")
                subprocess.run([a.bin, "diff", src, "--json", dst, "--fact-model", model], check=True,
                               capture_output=True)
                rows[late][story] = json.load(open(dst, encoding="utf-8"))["facts"]
    for late in a.late:
        classes = collections.Counter(f["class"] for facts in rows[late].values() for f in facts)
        units = [u for facts in rows[late].values() for u in aligned_units(facts).values()]
        aligned = sum(1 for _, articles in units if articles > 1)
        print(f"late {late}: rows {dict(sorted(classes.items()))}; sentences aligned {aligned} of {len(units)} "
              f"({aligned / len(units):.3f})")
    before, after = a.late
    new = []
    for story in sorted(stories):
        old, now = aligned_units(rows[before][story]), aligned_units(rows[after][story])
        for unit, (row, articles) in now.items():
            if articles > 1 and old.get(unit, (None, 1))[1] == 1:
                others = [m for m in rows[after][story][row]["members"] if m["doc_id"] != unit[0]]
                new.append((story, unit[1], [m["text"] for m in others]))
    print(f"aligned at {after} only: {len(new)} sentences")
    random.seed(13)
    for story, text, others in random.sample(new, min(a.sample, len(new))):
        print(f"\n{story[:8]}  NEW: {text[:200]}")
        for other in others[:4]:
            print(f"          {other[:200]}")


if __name__ == "__main__":
    main()
