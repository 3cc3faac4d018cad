#!/usr/bin/env python3
"""Check storydiff's fact rows against BASIL's bias annotations (docs/EVALUATION.md, "Diff").

Usage: python3 scripts/basil_diff_check.py ../shared/data/basil target/release/storydiff [STORY_ID...]

Diffs each BASIL story (all 100 by default) with `storydiff diff --json`, finds the sentence holding each
annotated phrase, and reports: for informational-bias phrases (facts an outlet chose to include), how often their
sentence is carried by that outlet only; for lexical-bias phrases (loaded words), how often their sentence is
aligned with another outlet and the phrase's words are among the words the diff marks as that outlet's choice.
With story ids given, prints each annotated phrase with its row for reading by hand.
"""
import collections
import glob
import json
import os
import subprocess
import sys
import tempfile
import unicodedata


def norm(text):
    text = unicodedata.normalize("NFKC", text)
    for a, b in (("\u201c", '"'), ("\u201d", '"'), ("\u2018", "'"), ("\u2019", "'"), ("\u2014", "-"), ("\u2013", "-")):
        text = text.replace(a, b)
    return " ".join(text.split())


def main():
    basil, binary, chosen = sys.argv[1], sys.argv[2], set(sys.argv[3:])
    stories = collections.defaultdict(list)
    with open(os.path.join(basil, "docs.jsonl"), encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            stories[record["cluster_id"]].append(line)
    annotations = {}
    for path in glob.glob(os.path.join(basil, "annotations", "*", "*_ann.json")):
        doc_id = os.path.basename(path)[: -len("_ann.json")]
        with open(path, encoding="utf-8") as f:
            annotations[doc_id] = json.load(f)["phrase-level-annotations"]
    totals = collections.Counter()
    with tempfile.TemporaryDirectory() as tmp:
        for story_id, lines in sorted(stories.items()):
            if chosen and story_id not in chosen:
                continue
            source = os.path.join(tmp, "story.jsonl")
            with open(source, "w", encoding="utf-8") as f:
                f.writelines(lines)
            out = os.path.join(tmp, "diff.json")
            subprocess.run([binary, "diff", source, "--json", out, "--color", "never"], check=True,
                           stdout=subprocess.DEVNULL)
            with open(out, encoding="utf-8") as f:
                diff = json.load(f)
            # (doc_id, sentence index) -> (row, member)
            where = {}
            for row in diff["facts"]:
                for member in row["members"]:
                    for sentence in member["sentences"]:
                        where[(member["doc_id"], sentence["index"])] = (row, member)
            sentences = {}
            for row in diff["facts"]:
                for member in row["members"]:
                    for sentence in member["sentences"]:
                        sentences.setdefault(member["doc_id"], []).append((sentence["index"], norm(sentence["text"])))
            for doc_id, phrases in sorted(annotations.items()):
                if doc_id not in sentences:
                    continue
                for phrase in phrases:
                    text = norm(phrase["txt"]).strip('"')
                    found = [i for i, s in sentences[doc_id] if text and text in s]
                    kind = phrase["bias"]
                    totals[f"{kind} phrases"] += 1
                    if not found:
                        totals[f"{kind} not located"] += 1
                        continue
                    row, member = where[(doc_id, found[0])]
                    totals[f"{kind} in {row['class']} rows"] += 1
                    changed = " ".join(c["outlet"] for c in member["word_choices"]).lower()
                    reference = row["reference"] == doc_id
                    if kind == "lex" and row["class"] != "single":
                        words = [w for w in text.lower().split() if len(w) > 3]
                        if reference:
                            others = " ".join(c["reference"] for m in row["members"] for c in m["word_choices"]).lower()
                            hit = any(w in others for w in words)
                        else:
                            hit = any(w in changed for w in words)
                        totals["lex aligned and marked as a word choice"] += int(hit)
                    if chosen:
                        print(f"[{kind}] {doc_id} {phrase['txt']!r} -> row {row['id']} {row['class']}")
                        for m in row["members"]:
                            print(f"      {m['outlet']}: {m['text'][:220]}")
            for row in diff["facts"]:
                for member in row["members"]:
                    totals[f"sentences in {row['class']} rows"] += len(member["sentences"])
    for key in sorted(totals):
        print(f"{key}\t{totals[key]}")


if __name__ == "__main__":
    main()
