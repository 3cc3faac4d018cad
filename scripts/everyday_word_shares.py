#!/usr/bin/env python3
"""Reproduces the measurements behind EVERYDAY_WORD_SHARE (src/features/language.rs): the share of a text's first
120 words found in a language's everyday-word list (src/text/lexicon/word_frequencies.tsv), for the team's
three-language fixture against its own and the other languages, and for synthetic articles of
../shared/tools/gen_scale.py (300, its default seed) against every Latin-script list.

usage: scripts/everyday_word_shares.py [--shared ../shared]
Words are split at non-word characters and lowercased, close to storydiff's Unicode word boundaries."""
import argparse, json, os, re, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LATIN = ["en", "fr", "de", "es", "pt", "it", "nl", "sv", "da", "no", "fi", "hu", "ro", "tr", "pl", "cs", "id",
         "vi", "ca", "sk", "sl"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=os.path.join(ROOT, "..", "shared"))
    a = ap.parse_args()
    lists = {}
    for line in open(os.path.join(ROOT, "src", "text", "lexicon", "word_frequencies.tsv"), encoding="utf-8"):
        code, rest = line.rstrip("\n").split("\t")
        lists[code] = set(rest.split(" ")[0::2])

    def share(text, code):
        words = re.findall(r"\w+", text.lower())[:120]
        return sum(w in lists[code] for w in words) / max(len(words), 1)

    own, other = [], []
    fixture = os.path.join(ROOT, "tests", "fixtures", "formats", "unrelated-three-languages.jsonl")
    for line in open(fixture, encoding="utf-8"):
        record = json.loads(line)
        text, language = record["title"] + " " + record["body"], record["id"][:2]
        own.append(share(text, language))
        other.extend(share(text, code) for code in LATIN if code != language and code in lists)
    print(f"fixture, own language: {min(own):.2f}-{max(own):.2f}; any other Latin-script list: at most "
          f"{max(other):.2f}")
    with tempfile.TemporaryDirectory() as tmp:
        docs = os.path.join(tmp, "syn.jsonl")
        subprocess.run([sys.executable, os.path.join(a.shared, "tools", "gen_scale.py"), "300", docs,
                        os.path.join(tmp, "gold.tsv")], check=True, capture_output=True)
        texts = [(r.get("title") or "") + " " + (r.get("body") or "") for r in map(json.loads, open(docs))]
    worst = max((max(share(t, code) for t in texts), code) for code in LATIN if code != "en" and code in lists)
    print(f"synthetic (gen_scale.py, 300): at most {worst[0]:.2f} against a Latin-script list other than "
          f"English ({worst[1]})")


if __name__ == "__main__":
    main()
