#!/usr/bin/env python3
"""Replays a labelled corpus into a story index batch by batch and compares it with a one-shot `cluster`.

Usage: python3 scripts/index_replay.py DOCS.jsonl GOLD.tsv [--batches daily|N] [--binary PATH] [--keep DIR]

`daily` (the default) adds one batch per publication date, in date order (undated records last, as one batch),
each recorded at its date (`index add --at`). `N` splits the records, in file order, into N equal batches.
Answer-key fields are removed first, as scripts/heldout.py does.

Prints, as JSON: B-cubed F1 of the final index against the one-shot `cluster --assignments` of the same
records, both against gold, the share of articles whose story id changed between consecutive batches (all
changes, and those not explained by a logged merge or split), the counts of merges and splits, the same for
storylines (against the one-shot `--level storyline`), the time of each add, and the index's size per article. Needs only the Python standard library and a release build.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "shared", "tools"))
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ANSWER_FIELDS = ("cluster_id", "topic", "subcorpus", "side", "story_title", "roundup", "main_event")


def read_assignments(path):
    out = {}
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            doc, label = line.rstrip("\n").split("\t")[:2]
            out[doc] = label
    return out


def bcubed(gold, pred):
    """B-cubed precision, recall and F1 over the documents of `gold` (missing ones as singletons)."""
    def groups(labels):
        members = {}
        for doc, label in labels.items():
            members.setdefault(label, set()).add(doc)
        return members
    docs = list(gold)
    pred = {d: pred.get(d, "__single__" + d) for d in docs}
    g, p = groups(gold), groups(pred)
    precision = recall = 0.0
    for d in docs:
        same = len(g[gold[d]] & p[pred[d]])
        precision += same / len(p[pred[d]])
        recall += same / len(g[gold[d]])
    precision, recall = precision / len(docs), recall / len(docs)
    return round(2 * precision * recall / (precision + recall), 4) if precision + recall else 0.0


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("docs")
    parser.add_argument("gold")
    parser.add_argument("--batches", default="daily")
    parser.add_argument("--binary", default=os.path.join(ROOT, "target", "release", "storydiff"))
    parser.add_argument("--keep", help="folder to keep the index and batch files in")
    args = parser.parse_args()
    records = []
    with open(args.docs, encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                record = json.loads(line)
                for key in ANSWER_FIELDS:
                    record.pop(key, None)
                records.append(record)
    if args.batches == "daily":
        by_day = {}
        for r in records:
            by_day.setdefault((r.get("date") or "")[:10], []).append(r)
        days = sorted(d for d in by_day if d) + ([""] if "" in by_day else [])
        batches = [(day or None, by_day[day]) for day in days]
    else:
        n = int(args.batches)
        size = -(-len(records) // n)
        batches = [(None, records[i:i + size]) for i in range(0, len(records), size)]
    work = args.keep or tempfile.mkdtemp(prefix="storydiff-replay-")
    os.makedirs(work, exist_ok=True)
    db = os.path.join(work, "index.db")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(db + suffix):
            os.remove(db + suffix)
    whole = os.path.join(work, "all.jsonl")
    with open(whole, "w", encoding="utf-8") as fh:
        for r in records:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    previous = {}
    changed = unexplained = 0
    previous_lines = {}
    lines_changed = lines_unexplained = 0
    seconds = []
    log_seen = 0
    for k, (day, batch) in enumerate(batches):
        path = os.path.join(work, f"batch-{k:05d}.jsonl")
        with open(path, "w", encoding="utf-8") as fh:
            for r in batch:
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
        command = [args.binary, "index", "add", "--db", db, path, "--quiet"]
        if day:
            command += ["--at", day]
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        seconds.append(time.perf_counter() - start)
        os.remove(path)
        now = read_assignments_from(args.binary, db, work)
        lines_now = read_assignments_from(args.binary, db, work, "storyline")
        log = [json.loads(l) for l in subprocess.run(
            [args.binary, "index", "log", "--db", db, "--json"], check=True, capture_output=True, text=True
        ).stdout.splitlines()]
        fresh, log_seen = log[log_seen:], len(log)
        # Ids a logged merge or split of this batch accounts for: (old id, new id) pairs.
        explained = set()
        lines_explained = set()
        for entry in fresh:
            if entry["kind"] == "storyline merge":
                lines_explained.add((entry["other"], entry["story"]))
            if entry["kind"] == "storyline split":
                lines_explained.add((entry["story"], entry["other"]))
            if entry["kind"] == "merge":
                explained.add((entry["other"], entry["story"]))
            if entry["kind"] == "split":
                explained.add((entry["story"], entry["other"]))
        for doc, label in now.items():
            old = previous.get(doc)
            if old is not None and old != label:
                changed += 1
                if (old, label) not in explained:
                    unexplained += 1
        for doc, label in lines_now.items():
            old = previous_lines.get(doc)
            if old is not None and old != label:
                lines_changed += 1
                # Moved with its story (a logged merge or split of stories), or by a logged storyline event.
                moved = previous.get(doc) is not None and previous.get(doc) != now.get(doc)
                if (old, label) not in lines_explained and not moved:
                    lines_unexplained += 1
        previous = now
        previous_lines = lines_now
    final = previous
    oneshot_path = os.path.join(work, "oneshot.tsv")
    subprocess.run([args.binary, "cluster", whole, "--assignments", oneshot_path, "--quiet"], check=True,
                   stdout=subprocess.DEVNULL)
    oneshot = read_assignments(oneshot_path)
    oneshot_lines_path = os.path.join(work, "oneshot-storylines.tsv")
    subprocess.run([args.binary, "cluster", whole, "--assignments", oneshot_lines_path, "--level", "storyline",
                    "--quiet"], check=True, stdout=subprocess.DEVNULL)
    oneshot_lines = read_assignments(oneshot_lines_path)
    gold = read_assignments(args.gold)
    log = [json.loads(l) for l in subprocess.run(
        [args.binary, "index", "log", "--db", db, "--json"], check=True, capture_output=True, text=True
    ).stdout.splitlines()]
    size = sum(os.path.getsize(db + s) for s in ("", "-wal") if os.path.exists(db + s))
    result = {
        "records": len(records),
        "batches": len(batches),
        "f1_index_vs_oneshot": bcubed(oneshot, final),
        "f1_index_vs_gold": bcubed(gold, final),
        "f1_oneshot_vs_gold": bcubed(gold, oneshot),
        "articles_whose_id_changed": changed,
        "changed_without_logged_merge_or_split": unexplained,
        "share_changed": round(changed / max(1, len(final)), 4),
        "merges": sum(1 for e in log if e["kind"] == "merge"),
        "splits": sum(1 for e in log if e["kind"] == "split"),
        "storylines_f1_index_vs_oneshot": bcubed(oneshot_lines, previous_lines),
        "articles_whose_storyline_id_changed": lines_changed,
        "storyline_changed_without_logged_merge_or_split": lines_unexplained,
        "storyline_merges": sum(1 for e in log if e["kind"] == "storyline merge"),
        "storyline_splits": sum(1 for e in log if e["kind"] == "storyline split"),
        "add_seconds_total": round(sum(seconds), 2),
        "add_seconds_max": round(max(seconds), 3),
        "bytes_per_article": round(size / max(1, len(final))),
    }
    print(json.dumps(result))


def read_assignments_from(binary, db, work, level="story"):
    path = os.path.join(work, f"index-{level}.tsv")
    with open(path, "w", encoding="utf-8") as out:
        subprocess.run([binary, "index", "assignments", "--db", db, "--level", level], check=True, stdout=out)
    return read_assignments(path)


if __name__ == "__main__":
    main()
