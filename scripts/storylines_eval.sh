#!/usr/bin/env bash
# Storyline level, B-cubed precision / recall / F1 and the number of storylines (issue 15):
#   - on the team's storyline corpus against its storyline gold;
#   - on the dev corpora of ../shared/data against their *story* gold, which has no storylines: there the
#     numbers say how much storylines join, not whether the joins are right.
# Usage, from the repository root after `cargo build --release`: scripts/storylines_eval.sh [THRESHOLD...]
# (default: the shipped threshold). Extra clustering flags can be passed in STORYDIFF_FLAGS.
set -euo pipefail
bin=./target/release/storydiff
data=../shared/data
score() {
    "$bin" eval --quiet --json --level storyline --gold "$1" "$2" ${STORYDIFF_FLAGS:-} ${3:+--storyline-threshold "$3"} |
        python3 -c 'import json,sys; d=json.load(sys.stdin); print("%.4f %.4f %.4f %d" % (d["bcubed_precision"], d["bcubed_recall"], d["bcubed_f1"], d["n_pred_clusters"]))'
}
for threshold in "${@:-}"; do
    echo "threshold ${threshold:-default}"
    printf '  %-16s %s\n' team "$(score corpora/storylines-2025.storylines.tsv corpora/storylines-2025.jsonl "$threshold")"
    for corpus in allsides_neus basil newswcl50 ecbplus_dev; do
        if [ -d "$data/$corpus" ]; then
            printf '  %-16s %s\n' "$corpus" "$(score "$data/$corpus/gold.tsv" "$data/$corpus/docs.jsonl" "$threshold")"
        fi
    done
done
