#!/usr/bin/env bash
# Fact alignment on ecbplus_dev, cross-validated by topic: for each of 5 folds, fit the fact model without the
# fold's topics (storydiff fit-facts --holdout-fold), diff the fold's stories with it (or both stories of each of
# its topics at once, with --by-topic), and score all folds' aligned pairs together with the reference scorer.
#
# usage: scripts/eval_diff_cv.sh [--by-topic] [LINK_THRESHOLD ...]   (default 0.5; several give a sweep)
# env:   SHARED (default ../shared beside the repo), BIN (default target/release/storydiff),
#        SPLIT_RATIO (the models' event_split_ratio; default: what fit-facts writes),
#        LATE (the models' late_link_threshold; default: what fit-facts writes),
#        KEEP (a folder: each fold's aligned pairs are kept there as pairs-THRESHOLD-FOLD.tsv)
# Prints one line per threshold: the threshold, then match_score.py's JSON.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$root/../shared}
data=$shared/data/ecbplus_dev
bin=${BIN:-$root/target/release/storydiff}
folds=5
by_topic=()
if [ "${1:-}" = "--by-topic" ]; then by_topic=(--by-topic); shift; fi
thresholds=("$@")
[ ${#thresholds[@]} -gt 0 ] || thresholds=(0.5)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for fold in $(seq 0 $((folds - 1))); do
  "$bin" fit-facts "$data/docs.jsonl" --gold "$data/align" --folds $folds --holdout-fold "$fold" \
    --write-model "$tmp/model$fold.json" >/dev/null
  python3 - "$data/docs.jsonl" "$fold" $folds >"$tmp/docs$fold.jsonl" <<'PY'
import json, sys
path, fold, folds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
for line in open(path, encoding="utf-8"):
    if int(json.loads(line)["cluster_id"].split("_")[0]) % folds == fold:
        sys.stdout.write(line)
PY
done
for t in "${thresholds[@]}"; do
  : >"$tmp/all.tsv"
  for fold in $(seq 0 $((folds - 1))); do
    python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); m["link_threshold"]=float(sys.argv[2])
if sys.argv[4]: m["event_split_ratio"]=float(sys.argv[4])
if sys.argv[5]: m["late_link_threshold"]=float(sys.argv[5])
json.dump(m,open(sys.argv[3],"w"))' \
      "$tmp/model$fold.json" "$t" "$tmp/m.json" "${SPLIT_RATIO:-}" "${LATE:-}"
    cp "$tmp/m.json" "$tmp/model$fold-$t.json"
    printf '#!/bin/sh\nexec "%s" "$@" --fact-model "%s"\n' "$bin" "$tmp/model$fold-$t.json" >"$tmp/bin$fold"
    chmod +x "$tmp/bin$fold"
    python3 "$shared/tools/align/eval_diff.py" --bin "$tmp/bin$fold" --docs "$tmp/docs$fold.jsonl" \
      --gold "$data/align" "${by_topic[@]}" --pairs "$tmp/pairs$fold.tsv" >/dev/null
    cat "$tmp/pairs$fold.tsv" >>"$tmp/all.tsv"
    if [ -n "${KEEP:-}" ]; then cp "$tmp/pairs$fold.tsv" "$KEEP/pairs-$t-$fold.tsv"; fi
  done
  printf '%s\t' "$t"
  python3 "$shared/tools/align/match_score.py" "$data/align" "$tmp/all.tsv"
done
