#!/usr/bin/env bash
# Creates bench/.venv, installs the comparison tools (pinned), and runs the three comparisons.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
binary="$repo/target/release/storydiff"
[ -x "$binary" ] || { echo "build first: cargo build --release" >&2; exit 2; }
python3 -m venv "$here/.venv"
"$here/.venv/bin/pip" install --quiet "scikit-learn==1.5.2" "datasketch==1.6.5" "numpy<2.2" "gaoya==0.2.2" "rensa==0.5.0"
"$here/.venv/bin/python" "$here/compare_sklearn.py" "$binary" "$repo/../shared"
n="${ARTICLES:-100000}"
corpus="${TMPDIR:-/tmp}/storydiff-bench-$n.jsonl"
[ -f "$corpus" ] || "$binary" generate --articles "$n" -o "$corpus"
"$here/.venv/bin/python" "$here/compare_datasketch.py" "$binary" "$corpus"
# Issue 17's comparison: the Rust MinHash libraries' candidate search against storydiff's whole pipeline, on
# news-like articles from ../shared/tools/gen_scale.py (20,000 by default, LSH_ARTICLES to change).
m="${LSH_ARTICLES:-20000}"
news="${TMPDIR:-/tmp}/storydiff-gen-scale-$m.jsonl"
[ -f "$news" ] || python3 "$repo/../shared/tools/gen_scale.py" "$m" "$news" "${news%.jsonl}.gold.tsv"
"$here/.venv/bin/python" "$here/compare_lsh.py" "$binary" "$news"
