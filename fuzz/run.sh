#!/usr/bin/env bash
# Runs every fuzz target in turn for SECONDS each (default 600) on the stable toolchain, and prints each run's
# last status line (executions, coverage). Crashing inputs land in fuzz/artifacts/<target>/.
# Usage: bash fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-600}"
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(seed_layout json_lines sentence_split same_fact diff_texts)
fi
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked
# cargo-fuzz asks rustc for the sanitizer and coverage flags that only nightly accepts; RUSTC_BOOTSTRAP lets the
# stable compiler take them.
export RUSTC_BOOTSTRAP=1
mkdir -p logs
for target in "${targets[@]}"; do
    corpus="corpus/$target"
    mkdir -p "$corpus"
    seeds="seeds/$target"
    dirs=("$corpus")
    [ -d "$seeds" ] && dirs+=("$seeds")
    cargo fuzz run -O "$target" "${dirs[@]}" -- -max_total_time="$seconds" -max_len="${FUZZ_MAX_LEN:-8192}" \
        -timeout=20 -rss_limit_mb=4096 \
        -print_final_stats=1 >"logs/$target.log" 2>&1 || echo "$target: stopped with a failure, see fuzz/logs/$target.log"
    grep -E "^#[0-9]+.*(DONE|pulse)" "logs/$target.log" | tail -1 | sed "s/^/$target: /"
    grep -E "stat::number_of_executed_units|stat::peak_rss_mb" "logs/$target.log" | sed "s/^/$target: /"
done
