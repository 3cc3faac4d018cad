#!/usr/bin/env bash
# Creates bench/.venv, installs the comparison tools, and runs both comparisons.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(dirname "$here")"
binary="$repo/target/release/storydiff"
[ -x "$binary" ] || { echo "build first: cargo build --release" >&2; exit 2; }
python3 -m venv "$here/.venv"
"$here/.venv/bin/pip" install --quiet "scikit-learn==1.5.2" "datasketch==1.6.5" "numpy<2.2"
"$here/.venv/bin/python" "$here/compare_sklearn.py" "$binary" "$repo/../shared"
n="${ARTICLES:-100000}"
corpus="${TMPDIR:-/tmp}/storydiff-bench-$n.jsonl"
[ -f "$corpus" ] || "$binary" generate --articles "$n" -o "$corpus"
"$here/.venv/bin/python" "$here/compare_datasketch.py" "$binary" "$corpus"
