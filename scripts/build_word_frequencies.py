#!/usr/bin/env python3
"""Builds src/text/lexicon/word_frequencies.tsv, how common words are in their language in general, from the word lists
of the PyPI package `wordfreq==3.1.1` (code Apache-2.0; its frequency data CC BY-SA 4.0, built from Wikipedia,
subtitles, news, books, web text and more; see src/text/lexicon/WORDFREQ-LICENSE).

usage: scripts/build_word_frequencies.py [WHEEL]
  WHEEL: wordfreq-3.1.1-py3-none-any.whl; without it the wheel is fetched with
  `python3 -m pip download wordfreq==3.1.1 --no-deps` into a temporary folder. Needs the `msgpack` module
  (`python3 -m pip install msgpack`).

One line per language: `code<TAB>word zipf word zipf ...`, the words of the language's "small" list at or above
MIN_ZIPF, most common first. Zipf is log10 of a word's frequency per billion words (6: one word in a thousand; 3:
one in a million); wordfreq stores it in centibel bins, so it has two decimals. Only the languages storydiff has a
profile for (src/features/language.rs), under storydiff's code for each (`nb` is stored as `no`).
"""
import gzip, os, subprocess, sys, tempfile, zipfile

import msgpack

PACKAGE = "wordfreq==3.1.1"
# Words down to one in 30,000 (Zipf 4.5): the everyday vocabulary of a language, about 3,000 words each; rarer
# words are what corpus IDF is for. Measured: the table is 1.5 MB at 4.5 (3.6 MB at 4.0).
MIN_ZIPF = 4.5
# storydiff's language codes (src/features/language.rs, LANGUAGES) and wordfreq's code for each where it differs.
CODES = ["en", "fr", "de", "ru", "zh", "ja", "th", "km", "my", "es", "pt", "it", "nl", "sv", "da", "no", "fi",
         "hu", "ro", "el", "tr", "ar", "ta", "uk", "pl", "cs", "ko", "he", "hi", "id", "vi", "ca", "bg", "sr",
         "hr", "sk", "sl", "fa", "ur"]
WORDFREQ_CODE = {"no": "nb"}
OUT = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src", "text", "lexicon",
                   "word_frequencies.tsv")


def build(wheel):
    archive = zipfile.ZipFile(wheel)
    names = set(archive.namelist())
    lines = []
    for code in CODES:
        name = f"wordfreq/data/small_{WORDFREQ_CODE.get(code, code)}.msgpack.gz"
        if name not in names:
            print(f"{code}: no list in {PACKAGE}", file=sys.stderr)
            continue
        header, *bins = msgpack.unpackb(gzip.decompress(archive.read(name)), raw=False)
        assert header.get("format") == "cB", header
        entries = []
        for centibels, words in enumerate(bins):
            zipf = 9 - centibels / 100
            if zipf < MIN_ZIPF:
                break
            for word in sorted(words):
                if "\t" not in word and " " not in word:
                    entries.append(f"{word} {zipf:.2f}")
        lines.append(f"{code}\t{' '.join(entries)}\n")
    with open(OUT, "w", encoding="utf-8") as out:
        out.writelines(lines)
    print(f"{len(lines)} languages written to {OUT}")


def main():
    if len(sys.argv) > 1:
        build(sys.argv[1])
        return
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", PACKAGE, "--no-deps", "-d", tmp], check=True)
        wheel = next(os.path.join(tmp, f) for f in os.listdir(tmp) if f.endswith(".whl"))
        build(wheel)


if __name__ == "__main__":
    main()
